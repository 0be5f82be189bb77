"""The words synthetic data is made of: regions and their provinces (the 63 provinces before July 2025), kinds of
boards, indicators, score-sheet criteria, people's names and the texts that say the data is synthetic."""
import random

from tracker.models import BoardKind

CLUSTER_PREFIX = "Cụm thi đua mô phỏng "  # every synthetic cluster's name starts so: how a second run is refused
SHORT_PREFIX = "MP"  # boards' short names: MP0001, MP0002, …


def mark(seed: int) -> str:
    """The words every synthetic record carries."""
    return f"Dữ liệu mô phỏng (generate-data, seed {seed})"


REGIONS: list[tuple[str, list[str]]] = [
    ("Đông Nam Bộ", ["Thành phố Hồ Chí Minh", "Bình Dương", "Bình Phước", "Tây Ninh", "Đồng Nai",
                     "Bà Rịa – Vũng Tàu"]),
    ("Đồng bằng sông Hồng", ["Hà Nội", "Hải Phòng", "Quảng Ninh", "Vĩnh Phúc", "Bắc Ninh", "Hải Dương", "Hưng Yên",
                             "Thái Bình", "Hà Nam", "Nam Định", "Ninh Bình"]),
    ("Tây Nguyên", ["Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng"]),
    ("Bắc Trung Bộ", ["Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế"]),
    ("Duyên hải Nam Trung Bộ", ["Đà Nẵng", "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa",
                                "Ninh Thuận", "Bình Thuận"]),
    ("Đồng bằng sông Cửu Long", ["Long An", "Tiền Giang", "Bến Tre", "Trà Vinh", "Vĩnh Long", "Đồng Tháp",
                                 "An Giang", "Kiên Giang", "Cần Thơ", "Hậu Giang", "Sóc Trăng", "Bạc Liêu",
                                 "Cà Mau"]),
    ("Trung du và miền núi phía Bắc", ["Hà Giang", "Cao Bằng", "Bắc Kạn", "Tuyên Quang", "Lào Cai", "Yên Bái",
                                       "Thái Nguyên", "Lạng Sơn", "Bắc Giang", "Phú Thọ", "Điện Biên", "Lai Châu",
                                       "Sơn La", "Hòa Bình"]),
]

BOARD_KINDS: list[tuple[str, str]] = [  # kind, how its name begins
    (BoardKind.INDUSTRIAL_ZONES, "Ban Quản lý các khu công nghiệp"),
    (BoardKind.ECONOMIC_ZONE, "Ban Quản lý khu kinh tế"),
    (BoardKind.INDUSTRIAL_ZONES, "Ban Quản lý các khu công nghiệp"),
    (BoardKind.EXPORT_PROCESSING, "Ban Quản lý các khu chế xuất và công nghiệp"),
    (BoardKind.OTHER, "Ban Quản lý các khu công nghiệp và khu kinh tế"),
]

# name, unit, direction, typical target in tenths of the unit, group
INDICATORS: list[tuple[str, str, str, int, str]] = [
    ("Vốn đầu tư trong nước thu hút", "tỷ đồng", "higher", 20000, "Thu hút đầu tư"),
    ("Vốn đầu tư nước ngoài thu hút", "triệu USD", "higher", 2500, "Thu hút đầu tư"),
    ("Số dự án mới được cấp phép", "dự án", "higher", 250, "Thu hút đầu tư"),
    ("Giá trị xuất khẩu của doanh nghiệp trong các khu", "triệu USD", "higher", 15000, "Sản xuất kinh doanh"),
    ("Nộp ngân sách nhà nước", "tỷ đồng", "higher", 30000, "Sản xuất kinh doanh"),
    ("Tỷ lệ lấp đầy các khu công nghiệp", "%", "higher", 700, "Sản xuất kinh doanh"),
    ("Thời gian giải quyết thủ tục hành chính", "ngày", "lower", 100, "Cải cách hành chính"),
    ("Tỷ lệ hồ sơ giải quyết đúng hạn", "%", "higher", 950, "Cải cách hành chính"),
]

# name, maximum points, group
CRITERIA: list[tuple[str, int, str]] = [
    ("Thực hiện các chỉ tiêu kế hoạch được giao", 30, "I. Thực hiện nhiệm vụ chuyên môn"),
    ("Thu hút đầu tư và phát triển các khu", 15, "I. Thực hiện nhiệm vụ chuyên môn"),
    ("Cải cách hành chính và chuyển đổi số", 10, "I. Thực hiện nhiệm vụ chuyên môn"),
    ("Thanh tra, kiểm tra và hậu kiểm", 10, "I. Thực hiện nhiệm vụ chuyên môn"),
    ("Công tác thi đua, khen thưởng", 10, "II. Công tác thi đua và xây dựng đơn vị"),
    ("Xây dựng tổ chức Đảng, đoàn thể và đời sống cán bộ", 10, "II. Công tác thi đua và xây dựng đơn vị"),
    ("Tham gia hoạt động của Cụm thi đua", 10, "II. Công tác thi đua và xây dựng đơn vị"),
    ("Sáng kiến, mô hình mới", 5, "III. Điểm thưởng"),
]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Hoài", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Khánh", "Lan",
         "Linh", "Long", "Mai", "Nam", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Vân",
         "Yến"]



def person(rng: random.Random) -> str:
    """A made-up Vietnamese name."""
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


# How a proposal granted as another form is answered.
OTHER_FORM = {"CO_CP": "BK_TTG", "CO_BO": "BK_BO", "BK_BO": "BK_TTG"}
PRIME_MINISTER_AWARDS = ("CO_CP", "BK_TTG")  # decided by the Prime Minister; the others by the minister

PLEDGE_TEXT = ("Các đơn vị thành viên {cluster} cam kết phấn đấu hoàn thành vượt mức các chỉ tiêu kế hoạch năm "
               "{year} do Ủy ban nhân dân tỉnh, thành phố giao, và hoàn thành xuất sắc nhiệm vụ chính trị được "
               "giao. {mark}.")
PLEDGE_SUMMARY = "Phát động phong trào thi đua và ký kết giao ước thi đua năm {year}. {mark}."
MIDYEAR_SUMMARY = "Sơ kết 6 tháng đầu năm {year}: đánh giá tiến độ thực hiện giao ước thi đua. {mark}."
YEAREND_SUMMARY = ("Tổng kết phong trào thi đua năm {year}: đánh giá kết quả thực hiện giao ước, chấm điểm và bỏ "
                   "phiếu kín suy tôn các đơn vị dẫn đầu. {mark}.")
OVERRIDE_REASON = ("Đơn vị được Cụm suy tôn là đơn vị dẫn đầu, tiêu biểu trong các đơn vị dẫn đầu Cụm. "
                   "{mark}.")
