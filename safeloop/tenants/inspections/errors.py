"""Error codes of the inspection services (``ValidationError.code``)."""


class InspectionErrorCode:
    REQUIRED = "required"
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    OUT_OF_RANGE = "out_of_range"
    PHOTO_REQUIRED = "photo_required"
    NO_CHECKLIST = "no_checklist"
    ALREADY_SUBMITTED = "already_submitted"
    NOT_FAILED = "not_failed"
    NA_NOT_ALLOWED = "na_not_allowed"
    NOT_YOURS = "not_yours"
    TASK_CLOSED = "task_closed"
    ALREADY_RESOLVED = "already_resolved"
    BAD_RRULE = "bad_rrule"
    NO_POINTS = "no_points"
