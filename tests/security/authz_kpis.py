"""Authorisation expectations of the kpis app (merged into authz_expectations).

In this round the KPI pages are for staff only: coordinators, support centres, municipal
administrators and operators (partner and public views will follow the k-suppression rule).
Pages are asked about municipality A (`?m=`): staff of B get 404. A drill-down lists
records, so it needs the whole municipality in scope (layer-1 coordinator, administrator,
operator). Targets are set by administrators; the SC survey is answered by coordinators."""


def register(ns: dict) -> None:
    E = ns["E"]
    f = frozenset
    staff = f({"coordinator_l1", "coordinator_l2", "support_center", "municipal_admin", "operator",
               "coordinator_l2_other_area"})
    staff_other = staff - {"operator"}
    whole = f({"coordinator_l1", "municipal_admin", "operator"})
    admins = f({"municipal_admin", "operator"})
    coordinators = f({"coordinator_l1", "coordinator_l2", "coordinator_l2_other_area"})

    def of_a(w):
        return {"m": w["a"].municipality.pk}

    ns["PAGES"].update({
        "kpis:dashboard": E(staff, query=of_a),
        "kpis:compare": E(staff, staff_other, note="each sees the municipalities in their scope"),
        "kpis:targets": E(admins, query=of_a),
        "kpis:survey": E(coordinators, coordinators, note="a coordinator answers their own municipality's survey"),
        "kpis:report_pdf": E(staff, query=of_a),
        "kpis:report_xlsx": E(staff, query=of_a),
        "kpis:records": E(whole, kwargs=lambda w: {"key": "helpers_share_65"}, query=of_a,
                          note="municipality-wide drill-down; area staff drill down with ?area="),
    })
    ns["API"].update({
        "kpis_get_dashboard": E(staff),
        "kpis_set_target": E(admins, method="put", body=lambda w: {
            "key": "helpers_share_65", "fiscal_year": _fiscal_year(), "target": 6}),
    })


def _fiscal_year() -> int:
    from sasaeai.kpis.selectors import current_fiscal_year

    return current_fiscal_year()
