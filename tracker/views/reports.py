"""Reports for leadership: the year, a cluster and a board across years, the dashboard, and their exports."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
