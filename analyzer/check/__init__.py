"""The Check stage: what a reviewer checks in a tagged, mapped contract.

- ``checklist``: the 15 mandatory clauses of art. R.1111-11 CSP, from the evidence rules;
- ``certificate``: the HDS certificate the contract declares, the activities the provider is
  bound to perform, and the gaps between the two;
- ``activities``: per HDS activity, performed / optional / mentioned / excluded / silent, and
  how sure that is;
- ``facts`` and ``service_levels``: hosting locations, SLA figures, backups, subcontractors;
- ``claims``: what the verdicts read of a tagged clause, from the analysis or a stored report;
- ``stage``: runs them all on one document (``run_checks``).

``activities``, ``certificate`` and ``claims`` run in the batch parent process too (verdicts of the
index): they import neither spaCy nor pydantic, and this package imports nothing on its own.
"""
