"""Qualification graph closure (資格の包含関係)."""

from sasaeai.matching.qualifications import CODES, GRAPH, LABELS, closure, label, satisfies


def test_care_chain_is_transitive():
    assert closure({"kaigo_fukushishi"}) == {
        "kaigo_fukushishi", "jitsumusha_kenshu", "shoninsha_kenshu", "seikatsu_enjo_kenshu",
    }
    assert closure({"shoninsha_kenshu"}) == {"shoninsha_kenshu", "seikatsu_enjo_kenshu"}
    assert closure({"kangoshi"}) == {"kangoshi", "jun_kangoshi"}


def test_no_upward_implication_and_unknown_codes_kept():
    assert "kaigo_fukushishi" not in closure({"jitsumusha_kenshu"})
    assert closure({"something_else"}) == {"something_else"}
    assert closure([]) == frozenset()


def test_satisfies():
    assert satisfies({"kaigo_fukushishi"}, {"shoninsha_kenshu"})
    assert not satisfies({"jun_kangoshi"}, {"kangoshi"})
    assert satisfies({"futsu_menkyo", "first_aid"}, {"futsu_menkyo"})


def test_graph_is_closed_and_labelled():
    for code, implied in GRAPH.items():
        assert implied <= set(GRAPH), code
        assert code not in closure(implied), "graph must be acyclic"
    assert set(LABELS) == set(CODES)
    assert label("kaigo_fukushishi") == "介護福祉士"
    assert label("kangoshi", "en") == "Registered nurse"
