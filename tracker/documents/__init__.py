"""Official papers (Decree 30/2020/NĐ-CP layout) for a ballot round: vote-count minutes and blank ballot papers.

Always Vietnamese; plain frozen dataclasses in, DOCX or PDF bytes out (no Flask, no database)."""
from .data import BallotPaper, CandidateLine, Letterhead, MinutesDoc
from .render import ballot_docx, ballot_pdf, minutes_docx, minutes_pdf

__all__ = ["BallotPaper", "CandidateLine", "Letterhead", "MinutesDoc", "ballot_docx", "ballot_pdf", "minutes_docx",
           "minutes_pdf"]
