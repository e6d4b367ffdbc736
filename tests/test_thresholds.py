"""Threshold tables, ORES-style queries and the action policy."""

import numpy as np
import pytest

from model.thresholds import Policy, QueryError, ThresholdTable, parse_query


@pytest.fixture
def table():
    rng = np.random.default_rng(0)
    y = rng.random(2000) < 0.3
    scores = np.clip(np.where(y, rng.normal(0.75, 0.15, 2000), rng.normal(0.25, 0.15, 2000)),
                     0, 1)
    return ThresholdTable.from_scores("abusive", y, scores), y, scores


def test_table_rows_match_a_direct_computation(table):
    t, y, scores = table
    row = next(r for r in t.rows if r["threshold"] == 0.5)
    pred = scores >= 0.5
    assert row["precision"] == round((pred & y).sum() / pred.sum(), 4)
    assert row["recall"] == round((pred & y).sum() / y.sum(), 4)
    recalls = [r["recall"] for r in t.rows]
    assert recalls == sorted(recalls, reverse=True)


def test_query_maximum_recall_at_precision(table):
    t, _, _ = table
    answer = t.answer("maximum recall @ precision >= 0.9")
    assert answer["precision"] >= 0.9
    assert all(r["recall"] <= answer["recall"] for r in t.rows if r["precision"] >= 0.9)
    assert t.answer("maximum recall @ precision >= 1.01") is None
    low = t.answer("minimum fpr @ recall >= 0.99")
    assert low["recall"] >= 0.99


@pytest.mark.parametrize("bad", ["", "recall @ precision", "maximum recall @ speed >= 0.9",
                                 "maximum recall @ precision = 0.9"])
def test_bad_queries_are_refused_with_a_message(bad):
    with pytest.raises(QueryError, match=r"maximum recall @ precision >= 0\.9|unknown metric"):
        parse_query(bad)


def test_policy_from_table_meets_its_targets(table):
    t, _, _ = table
    policy = Policy.from_table(t, precision_target=0.95, recall_target=0.95)
    reject = next(r for r in t.rows if r["threshold"] == policy.reject_at)
    review = next(r for r in t.rows if r["threshold"] == policy.review_at)
    assert reject["precision"] >= 0.95
    assert all(r["precision"] < 0.95 for r in t.rows if r["threshold"] < policy.reject_at)
    assert review["recall"] >= 0.95 and policy.review_at <= policy.reject_at


def test_policy_decisions_and_reasons():
    policy = Policy(reject_at=0.8, review_at=0.3, uncertain_below=0.5)
    assert policy.decide({"constructive": 0.05, "critical": 0.05, "abusive": 0.9})[0] == "reject"
    assert policy.decide({"constructive": 0.3, "critical": 0.3, "abusive": 0.4})[0] == "review"
    action, reasons = policy.decide({"constructive": 0.45, "critical": 0.4, "abusive": 0.15})
    assert action == "review" and "uncertain" in reasons[0]
    assert policy.decide({"constructive": 0.9, "critical": 0.05, "abusive": 0.05})[0] == "approve"
    assert Policy.from_dict(policy.to_dict()) == policy
