"""schemathesis hooks for test/e2e/httpContract.test.ts (loaded through SCHEMATHESIS_HOOKS).

POST /events refuses a request whose events repeat an id (400, nothing accepted): a rule across the
items of a list, which JSON Schema cannot state, so the document says it in words. Valid (positive)
cases that break it are not generated; invalid ones still are, and must still be refused.
"""

import schemathesis


@schemathesis.hook("filter_case").apply_to(path="/events", method="POST")
def distinct_event_ids(context, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return True
    body = case.body
    events = body.get("events") if isinstance(body, dict) else None
    if not isinstance(events, list):
        return True
    ids = [event["id"] for event in events if isinstance(event, dict) and "id" in event]
    return len(ids) == len(set(ids))
