"""The test database: SQLite files by default, PostgreSQL when TRACKER_TEST_DATABASE_URL names one."""
import os

PG_URL = os.environ.get("TRACKER_TEST_DATABASE_URL")
SEEDED = ("award_type", "eligibility_rule")  # tables the migrations fill: restored after each PostgreSQL test
