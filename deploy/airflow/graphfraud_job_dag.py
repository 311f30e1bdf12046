"""Airflow DAG: graphfraud's scheduled ring detection every night at 02:30 China time (docs/jobs.md).

Copy into the DAGs folder of an Airflow that can run graphfraud (same host, or
a worker with the job folder mounted). The job keeps its own state in the
graph, so Airflow's retries simply resume a failed run; exit status 75
(another run still holds the lock) marks the task skipped, not failed.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow import DAG

try:  # Airflow 3
    from airflow.providers.standard.operators.bash import BashOperator
except ImportError:  # Airflow 2.6+
    from airflow.operators.bash import BashOperator

GRAPHFRAUD = "/opt/graphfraud/.venv/bin/graphfraud"
JOB_CONFIG = "/srv/graphfraud/job.toml"

with DAG(
    dag_id="graphfraud_job",
    description="Load new deliveries, detect fraud rings, alert on new and changed rings",
    schedule="30 2 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=15)},
    tags=["graphfraud", "医保基金监管"],
) as dag:
    BashOperator(
        task_id="job_run",
        bash_command=f"{GRAPHFRAUD} job run --config {JOB_CONFIG}",
        skip_on_exit_code=75,
        execution_timeout=timedelta(hours=6),
    )
