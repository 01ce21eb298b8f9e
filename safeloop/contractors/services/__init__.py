"""The rules of contractors: one module per part, every function here re-exported."""

from safeloop.contractors.services.companies import (  # noqa: F401
    EXPIRING_SOON_DAYS,
    ContractorErrorCode,
    Expiring,
    Expiry,
    add_qualification,
    blacklist_company,
    create_company,
    create_crew,
    create_project,
    expiring,
    expiry_label,
    expiry_status,
    set_crew_lead,
    update_company,
)
from safeloop.contractors.services.crew_xlsx import (  # noqa: F401
    ImportResult,
    RowProblem,
    WorkerListError,
    import_worker_list,
    import_workers,
)
from safeloop.contractors.services.exports import export_workers  # noqa: F401
from safeloop.contractors.services.gate import (  # noqa: F401
    gate_companies,
    gate_sites,
    gate_token,
    register_at_gate,
    site_for_token,
)
from safeloop.contractors.services.suppliers import (  # noqa: F401
    Answer,
    MonthStatus,
    Standing,
    SupplierErrorCode,
    create_supplier,
    history,
    month_standings,
    open_report,
    overdue,
    resubmit_report,
    review_report,
    save_answers,
    set_form,
    set_supplier_active,
    submit_report,
    supplier_from_token,
    supplier_link_token,
)
from safeloop.contractors.services.workers import (  # noqa: F401
    Consent,
    Registration,
    add_certificate,
    register_worker,
    save_certificate,
    unmasked_id,
)
