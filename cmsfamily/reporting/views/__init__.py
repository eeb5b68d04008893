"""Pages of the reporting system, one module per workflow (`urls.py` names the view of each URL).

- `cycles`: the reporting index, a cycle's page (public once it opens), its exports, opening and
  closing it, creating one, the timeliness overview.
- `drafting`: a report's overview page (or its progress, for who follows it without reading it),
  the contributors assigned to its sections, the files given as answers.
- `sections`: a section of a report: drafting it with autosave, reading it once sent, the items
  of its loop, confirming the answers carried forward.
- `review`: submit, recall, accept, publish (with their confirmation pages), return, comments.
- `versions`: submitted versions, the diff between two and since the previous report, the print
  view, PDF and JSON.
- `builder`: report templates and their versions, the template builder, the question bank.
- `workbook`: the offline Excel workbook: download, upload, preview, confirm.
- `xlsform`: a template version as an XLSForm workbook, and a template imported from one.
- `common`: what several of them share (finding the report or version the user may read, the
  refusal when the cycle is closed, a version's answers section by section).
"""
