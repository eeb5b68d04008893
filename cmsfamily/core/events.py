"""Human labels of domain events. Each app registers the labels of the events it records."""

_LABELS: dict[str, str] = {}


def register_labels(labels: dict) -> None:
    _LABELS.update(labels)


def label_of(kind: str) -> str:
    return str(_LABELS.get(kind, kind))
