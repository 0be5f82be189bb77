"""Helpers, factories and shared fixtures of the test suite. Test modules import from here, never from each other
(tests/test_layout.py checks); the fixture modules are loaded as plugins by tests/conftest.py (`pytest_plugins`)."""
