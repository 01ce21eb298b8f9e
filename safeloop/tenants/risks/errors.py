"""Error codes of the risk services (``ValidationError.code``)."""


class RiskErrorCode:
    REQUIRED = "required"
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    NOT_IN_TABLE = "not_in_table"
    WORSE_THAN_INHERENT = "worse_than_inherent"
    BAD_POLYGON = "bad_polygon"
    BAD_IMAGE = "bad_image"
