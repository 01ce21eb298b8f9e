"""The rules of contractors: one module per part, every function here re-exported."""

from safeloop.contractors.services.accounts import (  # noqa: F401
    create_supplier_account,
    crew_lead_token_holder,
    issue_outsider_token,
    issue_supplier_token,
    live_tokens,
    revoke_outsider_token,
)
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
from safeloop.contractors.services.gatecheck import (  # noqa: F401
    Headcount,
    Verdict,
    check,
    judge,
    on_site,
    on_site_workers,
)
from safeloop.contractors.services.induction import (  # noqa: F401
    add_requirement,
    ensure_person,
    remove_requirement,
    set_briefing,
    sign_briefing,
)
from safeloop.contractors.services.pass_lookup import (  # noqa: F401
    pass_for_number,
    token_from_input,
)
from safeloop.contractors.services.passes import (  # noqa: F401
    CERTIFICATE_SHORT,
    Eligibility,
    Lack,
    LackCode,
    ScanResult,
    blacklist_worker,
    evaluate,
    evaluate_many,
    pass_for_token,
    refresh_pass,
    refresh_passes,
    reinstate_pass,
    revoke_pass,
    scan_expired,
    unblacklist_worker,
)
from safeloop.contractors.services.projects import (  # noqa: F401
    move_worker_to_crew,
    update_crew,
    update_project,
)
from safeloop.contractors.services.scope import company_of, supplier_of  # noqa: F401
from safeloop.contractors.services.supplier_hazards import (  # noqa: F401
    SupplierHazardErrorCode,
    create_hazard_from_report_item,
    hazards_for_supplier,
    hazards_of,
)
from safeloop.contractors.services.supplier_link import (  # noqa: F401
    note_link_used,
    send_supplier_link,
)
from safeloop.contractors.services.supplier_reminders import (  # noqa: F401
    contractor_managers,
    days_overdue,
    scan_suppliers,
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
