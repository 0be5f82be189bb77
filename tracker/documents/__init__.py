"""The official papers, always in Vietnamese: one module per paper, each built on two kits.

Papers (Decree 30/2020/NĐ-CP layout): `minutes` (vote-count minutes), `ballot` (blank ballot paper), `pledge`
(bản giao ước thi đua), `submission` (tờ trình). Kits: `decree30` (the shared head, foot and date line), `docx_kit`
(python-docx), `pdf_kit` (Jinja2 templates in templates/, WeasyPrint). Exports of reports: `tables` (XLSX, CSV,
PDF); Excel templates and uploads: `workbook`. Plain frozen dataclasses (`data`) in, bytes out: no Flask, no
database."""
