"""Reports for leadership: the year at a glance, a cluster and a board across years, the dashboard, and the
tables each of them exports."""
from tracker.services.reports.dashboard import Dashboard, dashboard
from tracker.services.reports.history import BoardReport, ClusterReport, board_report, cluster_report
from tracker.services.reports.year import YearReport, year_report

__all__ = ["Dashboard", "dashboard", "BoardReport", "ClusterReport", "board_report", "cluster_report", "YearReport",
           "year_report"]
