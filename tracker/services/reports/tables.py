"""Every report as the tables it shows, for the exports (XLSX, CSV, PDF): the same lines as the page, in the
reader's language."""
from flask_babel import gettext as _

from tracker import labels
from tracker.documents.tables import Column, Report, Table
from tracker.rules import reports as rules
from tracker.services.reports.dashboard import Dashboard
from tracker.services.reports.history import BoardReport, ClusterReport
from tracker.services.reports.year import ClusterLine, YearReport


def _short(board) -> str:
    return board.short_name if board else ""


def _yes(done: bool) -> str:
    return _("yes") if done else _("no")


def cluster_columns(*, with_year: bool) -> tuple[Column, ...]:
    """The columns of the clusters table (a cluster per line, or a year per line in a cluster report)."""
    first = Column(_("Year"), "int") if with_year else Column(_("Cluster"))
    return (first, Column(_("Region")), Column(_("Authority")), Column(_("Head")), Column(_("Deputy")),
            Column(_("Host")), Column(_("Conference date"), "date"), Column(_("Conference place")),
            Column(_("Members"), "int"), Column(_("Member boards")), Column(_("Targets assessed"), "int"),
            Column(_("Targets achieved"), "int"), Column(_("Mean completion"), "share"))


def cluster_rows(lines: list[ClusterLine], *, with_year: bool) -> tuple[tuple, ...]:
    """One line per cluster (or per year) with the clusters table's columns."""
    return tuple((line.year if with_year else line.name, line.region, line.authority, _short(line.head),
                  _short(line.deputy), _short(line.host), line.conference_date, line.conference_place,
                  len(line.members), ", ".join(b.short_name for b in line.members), line.completion.assessed,
                  line.completion.achieved, line.completion.mean) for line in lines)


def result_table(lines: list[ClusterLine], locale: str, *, with_year: bool) -> Table:
    """The boards each finalised round elected, with votes and share."""
    first = Column(_("Year"), "int") if with_year else Column(_("Cluster"))
    rows = tuple((line.year if with_year else line.name, r.award.label(locale), r.number,
                  _("yes") if r.runoff else "", e.board.short_name, e.board.name, e.votes, e.share)
                 for line in lines for r in line.rounds for e in r.elected)
    return Table("results", _("Boards elected"), (
        first, Column(_("Award")), Column(_("Round"), "int"), Column(_("Runoff")), Column(_("Board")),
        Column(_("Full name")), Column(_("Votes"), "int"), Column(_("Share of votes"), "share")), rows)


def outcome_table(lines: list[ClusterLine], locale: str, *, with_year: bool) -> Table:
    """What was proposed and what the decisions granted."""
    first = Column(_("Year"), "int") if with_year else Column(_("Cluster"))
    rows = tuple((line.year if with_year else line.name, o.board.short_name,
                  o.proposed.label(locale) if o.proposed else "", labels.word(labels.PROPOSAL_STATUS, o.status),
                  o.submission_number, o.submission_date, o.granted.label(locale) if o.granted else "",
                  o.decision_number, o.decided_on, labels.word(labels.RECONCILIATION, o.outcome))
                 for line in lines for o in line.outcomes)
    return Table("proposals", _("Proposals and decisions"), (
        first, Column(_("Board")), Column(_("Proposed")), Column(_("Status")), Column(_("Submission")),
        Column(_("Submission date"), "date"), Column(_("Granted")), Column(_("Decision")),
        Column(_("Decision date"), "date"), Column(_("Outcome"))), rows)


def _filters_line(authority: str, region: str) -> str:
    parts = [_("Authority: %(name)s", name=authority) if authority else "",
             _("Region: %(name)s", name=region) if region else ""]
    return " · ".join(p for p in parts if p) or _("All clusters")


def year_tables(report: YearReport, locale: str, generated: str) -> Report:
    """The year report as three tables: clusters, boards elected, proposals and decisions."""
    f = report.filters
    return Report(_("Year report %(year)d", year=report.year), _filters_line(f.authority, f.region), generated, (
        Table("clusters", _("Clusters in %(year)d", year=report.year), cluster_columns(with_year=False),
              cluster_rows(report.clusters, with_year=False)),
        result_table(report.clusters, locale, with_year=False),
        outcome_table(report.clusters, locale, with_year=False)))


def cluster_tables(report: ClusterReport, locale: str, generated: str) -> Report:
    """A cluster across years: its years, whom its rounds elected, proposals and decisions, the awards matrix."""
    matrix = Table("awards", _("Awards of the members by year"),
                   (Column(_("Board")), *(Column(str(y)) for y in report.matrix_years), Column(_("Total"), "int")),
                   tuple((r.board.short_name, *(", ".join(c) for c in r.cells), r.total) for r in report.matrix))
    return Report(report.cluster.name, report.authority or report.cluster.region, generated, (
        Table("years", _("Years"), cluster_columns(with_year=True), cluster_rows(report.years, with_year=True)),
        result_table(report.years, locale, with_year=True),
        outcome_table(report.years, locale, with_year=True), matrix))


def board_tables(report: BoardReport, locale: str, generated: str) -> Report:
    """A board across years: its years in clusters, its awards, its streaks."""
    past = report.history
    years = Table("years", _("Years in clusters"), (
        Column(_("Year"), "int"), Column(_("Board")), Column(_("Cluster")), Column(_("Role")),
        Column(_("Targets assessed"), "int"), Column(_("Targets achieved"), "int"),
        Column(_("Mean completion"), "share"), Column(_("Agreed score"), "decimal"), Column(_("Rank"), "int"),
        Column(_("Boards ranked"), "int"), Column(_("Elected for"))),
        tuple((y.year, y.board.short_name, y.cluster, labels.word(labels.MEMBER_ROLE, y.role), y.completion.assessed,
               y.completion.achieved, y.completion.mean, y.score, y.rank, y.ranked or None,
               "; ".join(f"{a.label(locale)} ({v})" for a, v, _s in y.elected)) for y in report.years))
    awards = Table("awards", _("Awards"), (
        Column(_("Year"), "int"), Column(_("Award")), Column(_("Board")), Column(_("Decision")),
        Column(_("Decision date"), "date")),
        tuple((a.year, a.award_type.name_en if locale == "en" and a.award_type.name_en else a.award_type.name_vi,
               a.board.short_name, a.decision_number, a.decided_on) for a in past.awards))
    streaks = Table("streaks", _("Streaks"), (
        Column(_("Award")), Column(_("Longest from"), "int"), Column(_("Longest to"), "int"),
        Column(_("Current from"), "int"), Column(_("Current to"), "int")),
        tuple((s.award_type.code, s.longest.start if s.longest else None, s.longest.end if s.longest else None,
               s.current.start if s.current else None, s.current.end if s.current else None)
              for s in past.streaks))
    subtitle = past.board.name
    if past.predecessors:
        subtitle += " · " + _("with %(names)s", names=", ".join(b.short_name for b in past.predecessors))
    return Report(past.board.short_name, subtitle, generated, (years, awards, streaks))


def dashboard_tables(board: Dashboard, locale: str, generated: str) -> Report:
    """The dashboard's tables: status per cluster, awards per year by type, completion, most-awarded boards."""
    status = Table("status", _("Where each cluster stands in %(year)s", year=board.year or ""), (
        Column(_("Cluster")), Column(_("Region")), *(Column(labels.word(labels.STAGE, s)) for s in rules.STAGES)),
        tuple((s.name, s.region, *(_yes(s.stages[stage]) for stage in rules.STAGES)) for s in board.statuses))
    per_year = Table("awards_by_year", _("Awards per year by type"), (
        Column(_("Year"), "int"), *(Column(t.label(locale), "int") for t in board.award_types)),
        tuple((y, *(counts[i] for counts in board.award_counts)) for i, y in enumerate(board.award_years)))
    completion = Table("completion", _("Target completion per cluster in %(year)s", year=board.completion_year or ""),
                       (Column(_("Cluster")), Column(_("Targets assessed"), "int"),
                        Column(_("Targets achieved"), "int"), Column(_("Mean completion"), "share")),
                       tuple((c.name, c.overall.assessed, c.overall.achieved, c.overall.mean)
                             for c in board.completion))
    tops = tuple(Table(f"top{t.last - t.first + 1}", _("Most-awarded boards %(first)d–%(last)d", first=t.first,
                                                       last=t.last),
                       (Column(_("Rank"), "int"), Column(_("Board")), Column(_("Full name")),
                        Column(_("Awards"), "int")),
                       tuple((rank, b.short_name, b.name, n) for b, n, rank in t.lines)) for t in board.top)
    f = board.filters
    return Report(_("Dashboard %(year)s", year=board.year or ""), _filters_line(f.authority, f.region), generated,
                  (status, per_year, completion, *tops))
