import pytest

from utils.parameters import check_parameters

SPEC = {"FAST": bool, "SEED": (int, 0, 100), "LR": (float, 1e-6, 1.0), "LOSS": {"a", "b"}, "STEPS": (int, 1, None)}


def namespace(**changes):
    ns = {"FAST": False, "SEED": 0, "LR": 0.01, "LOSS": "a", "STEPS": 1000, "np": object(), "_hidden": 1}
    ns.update(changes)
    return ns


def test_defaults_pass_and_are_returned():
    assert check_parameters(namespace(), SPEC) == {"FAST": False, "SEED": 0, "LR": 0.01, "LOSS": "a", "STEPS": 1000}


@pytest.mark.parametrize(("changes", "error", "message"), [
    ({"SEEDS": 3}, ValueError, "unknown parameter SEEDS; did you mean SEED?"),
    ({"SEED": -1}, ValueError, "SEED must be >= 0"),
    ({"SEED": "3"}, TypeError, "SEED must be of type int"),
    ({"LR": float("nan")}, ValueError, "LR must be a finite number"),
    ({"LOSS": "c"}, ValueError, "LOSS must be one of"),
    ({"FAST": 1}, TypeError, "FAST must be of type bool"),
])
def test_bad_values_and_misspelled_names_are_refused(changes, error, message):
    with pytest.raises(error, match=message):
        check_parameters(namespace(**changes), SPEC)


def test_upper_case_imports_are_not_parameters():
    import types

    ns = namespace(PCA=type("PCA", (), {}), NP=types.ModuleType("np"), F=len)
    assert "PCA" not in check_parameters(ns, SPEC)


def test_missing_parameter_is_named():
    ns = namespace()
    del ns["STEPS"]
    with pytest.raises(ValueError, match="parameter STEPS is declared but not set"):
        check_parameters(ns, SPEC)


def test_fast_caps_are_applied_and_printed(capsys):
    ns = namespace(FAST=True)
    params = check_parameters(ns, SPEC, fast={"STEPS": 10, "LOSS": "b"})
    assert ns["STEPS"] == 10 and params["STEPS"] == 10 and ns["LOSS"] == "b"
    assert "FAST: STEPS 1000 -> 10" in capsys.readouterr().out
    ns = namespace(FAST=True, STEPS=5)  # a smaller value the learner chose is kept
    check_parameters(ns, SPEC, fast={"STEPS": 10})
    assert ns["STEPS"] == 5
    with pytest.raises(ValueError, match="fast names NOPE"):
        check_parameters(namespace(), SPEC, fast={"NOPE": 1})


def test_layer_widths_rule_names_the_parameter():
    from utils.parameters import layer_widths

    assert check_parameters({"FAST": False, "HIDDEN": (512, 256)}, {"FAST": bool, "HIDDEN": layer_widths}) == \
        {"FAST": False, "HIDDEN": (512, 256)}
    for bad in ((), 512, (512, 0), (512, 2.5), (True,), (5000,)):
        with pytest.raises(TypeError, match="HIDDEN must be a non-empty tuple of layer widths"):
            check_parameters({"FAST": False, "HIDDEN": bad}, {"FAST": bool, "HIDDEN": layer_widths})
