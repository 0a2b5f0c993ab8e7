"""schemathesis hooks for test/e2e/httpContract.test.ts (loaded through SCHEMATHESIS_HOOKS).

POST /events refuses a request whose events repeat an id (400, nothing accepted), and an event whose
`key` is not its type's natural key (data.orderId, data.userId, ...): rules across fields and items,
which JSON Schema cannot state, so the document says them in words. Valid (positive) cases that break
them are not generated; invalid ones still are, and must still be refused.
"""

import json
import os

import schemathesis


def positive_events(case):
    """The events of a valid (positive) POST /events case, or None for any other case: only valid cases are held to these rules."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or not isinstance(case.body, dict):
        return None
    events = case.body.get("events")
    return events if isinstance(events, list) else [case.body]


@schemathesis.hook("filter_case").apply_to(path="/events", method="POST")
def distinct_event_ids(context, case):
    events = positive_events(case)
    if events is None:
        return True
    ids = [event["id"] for event in events if isinstance(event, dict) and "id" in event]
    return len(ids) == len(set(ids))


# The natural key of each event type (shared/envelope/eventCatalog.ts keyField), handed over by the test.
KEY_FIELDS = json.loads(os.environ.get("TRIPLANE_KEY_FIELDS", "{}"))


@schemathesis.hook("filter_case").apply_to(path="/events", method="POST")
def natural_keys(context, case):
    events = positive_events(case)
    if events is None:
        return True
    for event in events:
        if not isinstance(event, dict) or "key" not in event:
            continue
        data = event.get("data")
        field = KEY_FIELDS.get(event.get("type"))
        if field is not None and (not isinstance(data, dict) or data.get(field) != event["key"]):
            return False
    return True
