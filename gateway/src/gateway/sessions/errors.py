"""The problem types of fault sessions (each has its page under /problems/)."""

from service_kit.problems import BadRequest, Conflict


class FaultSessionUnknown(BadRequest):
    slug = "fault-session-unknown"
    title = "Fault Session Unknown"
    description = (
        "The request names a fault session (Fault-Session header) that does not exist: it "
        "was never created, it was ended, or its ttlSeconds ran out. The request was not "
        "served, so a stale test set-up fails loudly instead of running without its faults."
    )
    advice = (
        "Start a new session (POST /admin/fault-sessions, or `petstore session start`) and "
        "send its id, or drop the Fault-Session header."
    )
    default_detail = "No live fault session has this id."


class SubjectTaken(Conflict):
    slug = "fault-session-subject-taken"
    title = "Fault Session Subject Taken"
    description = (
        "Another live fault session already matches this token subject (match.sub): a "
        "request may belong to one session only, so that sessions never affect each other."
    )
    advice = "End the other session (its id is in the detail) or match another subject."
    default_detail = "Another live fault session matches this subject."


class SessionsFull(Conflict):
    slug = "fault-sessions-full"
    title = "Too Many Fault Sessions"
    description = (
        "As many fault sessions live as the suite keeps at once; each one costs every "
        "gateway replica memory and its journal costs Redis memory."
    )
    advice = "End sessions you no longer need (DELETE), or wait until some expire."
    default_detail = "Too many fault sessions are live; end one first."
