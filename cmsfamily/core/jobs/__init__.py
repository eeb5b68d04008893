"""Background jobs: the slow work of a page (a PDF, a DOCX, an edition, a large export) runs in a
worker through Django's Tasks API, and the page leads to the job's status page.

`kinds` is where an app registers what a kind of job renders and who may read it; `services`
starts a job (reusing one with the same key) and retries it; `runner` is what the worker runs,
with the `Progress` a renderer reports through; `recovery` queues again the jobs of a worker that
died. Import the submodules: this package imports nothing, so that `core.models` can load the model.
"""
