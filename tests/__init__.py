"""The test suite. Its helpers (tests/support/) are plain modules: their asserts are rewritten like the tests'
own, so a failing helper explains itself too (registered here, before anything imports them)."""
import pytest

pytest.register_assert_rewrite("tests.support")
