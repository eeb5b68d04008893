"""The background worker: queues again the jobs of a worker that died, then runs django-tasks'
database worker (`db_worker`) with the options given. Run one or several; `make run` starts one."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from cmsfamily.core.jobs import recovery


class Command(BaseCommand):
    help = "Queue again the jobs of a worker that died, then run the background worker."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then stop.")
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(self, *args, interval, batch, max_tasks, verbosity, **options):
        requeued = recovery.recover()
        if requeued and verbosity:
            self.stdout.write(f"Queued again {requeued} job(s) of a worker that stopped.")
        worker_options = {"interval": interval, "batch": batch, "reload": False}
        if max_tasks:
            worker_options["max_tasks"] = max_tasks
        call_command("db_worker", startup_delay=False, verbosity=verbosity, **worker_options)
