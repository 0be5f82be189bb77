"""Password policy (OWASP ASVS level 2): 8 to 128 characters, no composition rules, not a common password.

Length is counted in Unicode characters after NFC normalisation, so a Vietnamese passphrase typed in NFD
counts the same as in NFC; the same composed form is what is hashed and checked (`canonical`, NIST SP 800-63B
5.1.1.2), so the passphrase is one password however the keyboard composed it. Spaces count and nothing is
stripped or truncated. The common-password check compares the NFC, lower-cased password with the 10,000 most
common passwords shipped in tracker/data/common-passwords.txt (see common-passwords-ATTRIBUTION.txt beside it).
"""
import unicodedata
from functools import lru_cache
from importlib import resources

MIN_LENGTH = 8
MAX_LENGTH = 128

TOO_SHORT = "too_short"
TOO_LONG = "too_long"
COMMON = "common"

_LIST = ("data", "common-passwords.txt")


def canonical(password: str) -> str:
    """The password as it is hashed and checked: composed to NFC, nothing stripped, case kept."""
    return unicodedata.normalize("NFC", password)


def password_length(password: str) -> int:
    """The number of Unicode characters of the password once composed to NFC."""
    return len(canonical(password))


def _folded(password: str) -> str:
    # lower() can decompose (e.g. "İ"), so compose again after lowering.
    return canonical(canonical(password).lower())


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of the most common passwords, NFC and lower case, read once."""
    text = resources.files("tracker").joinpath(*_LIST).read_text(encoding="utf-8")
    return frozenset(_folded(line) for line in text.splitlines() if line)


def is_common(password: str) -> bool:
    """True when the password, ignoring case, is on the list of the most common passwords."""
    return _folded(password) in common_passwords()


def password_problem(password: str) -> str | None:
    """Why a new password is refused: "too_short", "too_long", "common", or None when it is acceptable."""
    length = password_length(password)
    if length < MIN_LENGTH:
        return TOO_SHORT
    if length > MAX_LENGTH:
        return TOO_LONG
    if is_common(password):
        return COMMON
    return None
