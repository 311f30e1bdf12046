"""Scheduled ring detection: take new deliveries from an inbox, load, detect, tell only what is new or changed.

Modules: ``config`` (job.toml), ``lock`` (one run at a time), ``inbox``
(files remembered by content hash), ``quarantine`` (deliveries that cannot
be read, set aside), ``diff`` (ring changes between runs),
``alerts`` (alerts.jsonl), ``webhook`` (delivery with retries), ``history``
(``:DetectionRun`` records), ``faults`` (hold points for kill tests),
``logs`` (one line per step), ``schedule`` (``--daily``), ``run`` (the steps).
See docs/jobs.md.
"""
