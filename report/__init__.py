"""The party committee's report over its cells' records (``phieukin report``, docs/REPORT.md):
the edge around ``tally.report`` — verifying the records with the verifier's own checks
(``audit``) in worker processes, and writing the JSON, XLSX and PDF. Imports only ``tally`` and
``audit``; the meeting server is not needed (``pip install 'phieukin[report]'``)."""
