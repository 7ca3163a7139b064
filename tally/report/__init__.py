"""The party committee's report: many cells' proposals in, one binding quota and the statistics
out (docs/REPORT.md).

A cell only proposes; the grassroots party committee above it decides, and the 20% limit on
"hoàn thành xuất sắc" binds per grassroots organisation and group of equivalent positions,
across all its cells. This package is the pure part of that report — no file, no process, no
clock: a cell's signed proposal read out of its minute (``cell``), the organisation's quota
across cells ranked by exact shares of each cell's base (``org_quota``) and the decisions with
their working as steps (``decide``, worded by ``wording``), the statistics per level
(``statistics``), the report document (``document``) and the roll-up of several organisations'
reports without names (``rollup``). Verifying the records and writing the files is the
``report`` package's job, at the edge.
"""
