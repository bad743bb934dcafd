"""Features: value shape, folding, and a pipeline that pickles."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from models.features import MISSING, OPERATORS, UNIT_CLASSES, FieldText, IndicatorText, ValueShape, fold_text, make_features, unit_class


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("≥90百分比", "percent"),
        ("$\\geq 95\\%$", "percent"),
        ("≤31天", "time"),
        ("12月底前", "time"),
        ("=24.4万", "money"),
        ("≤800元/人", "money"),
        ("≥3 次", "count"),
        ("有效保障", "qualitative"),
        ("按时完成", "time"),
        ("100", "bare"),
        ("", "empty"),
    ],
)
def test_unit_class_of_printed_values(value: str, expected: str) -> None:
    assert unit_class(value) == expected


def test_value_shape_one_hot_marks_operator_and_unit() -> None:
    X = [IndicatorText("a", value="≤31天"), IndicatorText("b"), IndicatorText("c", value="≥90%")]
    m = ValueShape().fit(X).transform(X).toarray()
    names = list(ValueShape().fit(X).get_feature_names_out())
    assert m.shape == (3, len(OPERATORS) + len(UNIT_CLASSES))
    assert np.all(m.sum(axis=1) == 2)
    assert m[0, names.index("op=≤")] == 1 and m[0, names.index("unit=time")] == 1
    assert m[1, names.index("op=none")] == 1 and m[1, names.index("unit=empty")] == 1
    assert m[2, names.index("op=≥")] == 1 and m[2, names.index("unit=percent")] == 1


def test_fold_text_folds_numbers_and_full_width() -> None:
    assert fold_text("举办１２场招聘会") == fold_text("举办6场招聘会") == "举办0场招聘会"


def test_field_text_marks_a_missing_description() -> None:
    X = [IndicatorText("名称", None, None), IndicatorText("名称", " "), IndicatorText("名称", "描述")]
    assert FieldText("desc").fit(X).transform(X) == [MISSING, MISSING, "描述"]


def test_fitted_features_pickle_and_ignore_labels() -> None:
    X = [IndicatorText("培训人数", "全年培训人数", "≥50人"), IndicatorText("服务对象满意度", None, "≥90%")]
    features = make_features().fit(X)
    again = pickle.loads(pickle.dumps(features))
    assert (again.transform(X) != features.transform(X)).nnz == 0


def test_fold_text_half_width_mapping_is_that_of_the_normaliser() -> None:
    import re

    from nlp.normalize import to_halfwidth

    every_wide = "".join(chr(c) for c in range(0xFF00, 0xFF70)) + "\u3000，；：！？（）满意度≥９５％"
    assert fold_text(every_wide) == re.sub(r"\d+(?:\.\d+)?", "0", to_halfwidth(every_wide))


def test_fold_text_translates_every_character_of_the_half_width_table() -> None:
    import re

    from models.features import _HALFWIDTH

    for code in _HALFWIDTH:
        wide = f"满{chr(code)}意"
        assert fold_text(wide) == re.sub(r"\d+(?:\.\d+)?", "0", wide.translate(_HALFWIDTH)) != wide
