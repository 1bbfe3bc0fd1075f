"""Markdown-only fixes after the whole-course re-run of session 19 (its outputs landed in session 20).
Each old text must occur exactly once; idempotent (skips edits already applied). Run from the repository root."""
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, "tools")
from nbtools import write_notebook  # noqa: E402

FAST_NOTE = "under a minute of CPU (the measured time is in INSTRUCTORS.md)"
EDITS = {
    "04": [("(41 CPU-s against 12 CPU-s for the\nautoencoder", "(40 CPU-s against 13 CPU-s for the\nautoencoder")],
    "11": [
        ("and through its fourth epoch it stays\nabove the dense curve. But the dense curve flattens, while the "
         "convolutional one keeps falling, and after its\nfifth epoch (56 and 57 CPU-s) the convolutional model is "
         "below the dense model at the same CPU time in both seeds\n(conv / dense 0.94 on average; test MSE 0.00315 "
         "against 0.00334, and 0.00305 against 0.00325).",
         "and through its third epoch it stays\nabove the dense curve in both seeds. But the dense curve flattens, "
         "while the convolutional one keeps falling: it\ncrosses below the dense model at the same CPU time after "
         "its fourth epoch in one seed and its fifth in the\nother, and after its fifth epoch (54 and 55 CPU-s) it is "
         "below in both seeds (conv / dense 0.93 on average; test\nMSE 0.00315 against 0.00338, and 0.00305 against "
         "0.00328)."),
        ("**for budgets below roughly four convolutional epochs the dense model is the better buy at $K=64$;\nfrom "
         "about five epochs on, the convolutional one is**",
         "**for budgets below roughly four convolutional epochs the dense model is the better buy at $K=64$;\nfrom "
         "four to five epochs on, the convolutional one is**"),
        ("has the lower test MSE for budgets up to about four convolutional epochs; after its fifth epoch the conv AE "
         "is\n  below the dense one at the same CPU time in both seeds (ratio 0.94)",
         "has the lower test MSE for budgets up to three or four convolutional epochs; after its fifth epoch the conv "
         "AE is\n  below the dense one at the same CPU time in both seeds (ratio 0.93)"),
    ],
    "14": [("The five compression autoencoders take 94 CPU-s, their\nthree second-seed copies 57 CPU-s, the 30 anomaly "
            "autoencoders 139 CPU-s and the 240 linear probes 95 CPU-s (each\nprinted below).",
            "Most of it goes to the five compression autoencoders, their\nthree second-seed copies, the 30 anomaly "
            "autoencoders and the 240 linear probes (each timed in its cell below).")],
    "20": [("a run takes 52.438 CPU-seconds with the wider last layer and 84.299 with both wider,\n  against 33.870",
            "a run takes 23.503 CPU-seconds with the wider last layer and 35.931 with both wider,\n  against 17.035")],
    "21": [("(12 epochs, 302.9 CPU-s of training steps)", "(12 epochs, 309.1 CPU-s of training steps)"),
           ("12 epochs (302.9 CPU-s of training)", "12 epochs (309.1 CPU-s of training)")],
    "22": [("200\nsamples per class): 28.4 s of CPU time.", f"200\nsamples per class): {FAST_NOTE}."),
           ("The channel model is one seed, but the projection model's three seeds end between\n0.968 and 0.978 in "
            "label accuracy and between 6.6 and 8.5 in FD, far from it.",
            "The channel and pooled models were trained from two seeds each: the channels end at\n0.715 to 0.780 in "
            "label accuracy and 31.5 to 44.4 in FD, the pooled projection at 0.240 to 0.244 and 91.8 to\n109.3, while "
            "the projection model's three seeds end between 0.968 and 0.978 and between 6.6 and 8.5, far\nfrom both."),
           ("label accuracy 0.244 and FD 91.8\nafter two epochs,", "label accuracy 0.244 and FD 91.8\nafter two "
            "epochs (seed `SEED`; the second seed is no better),"),
           ("this is one seed per comparison model,", "this is two seeds per comparison model,")],
    "23": [("The 24 ring runs of section 6 take 252 CPU-s of it (printed\nthere), the four MNIST runs of section 3 "
            "with their evaluations most of the rest. `FAST = True` (tiny runs, one\nring seed): 41.7 CPU-seconds "
            "(48.1 s of wall time).",
            "The step-size screen and the 24 ring runs of section 6 take about\na third of it (printed there), the "
            "four MNIST runs of section 3 with their evaluations most of the rest.\n`FAST = True` (tiny runs, one "
            f"ring seed): {FAST_NOTE}."),
           ("baseline row of section 6.1 larger", "baseline row of section 6.2 larger")],
    "26": [("The seven cGANs take 248 s of it and the thirty-one classifiers 130 s\n(printed in section 3)",
            "Most of it goes to the seven cGANs and the thirty-one classifiers\n(both timed in section 3)"),
           ("1,000 test images): 31.3 s of CPU time.", f"1,000 test images): {FAST_NOTE}."),
           ("The honest cGAN augmentation does not help at either budget.",
            "The honest cGAN augmentation does not help at either budget, with half of each batch\nsynthetic "
            "(the one mixing share tried, `SYNTH_FRACTION`, like the one shift size and the one cGAN length; a "
            "smaller\nshare is untested)."),
           ("supported by this experiment; section 5 looks at why.",
            "supported by this experiment; section 5 looks at why. (These are eight paired tests at the 5% level, "
            "without\ncorrection for multiplicity; the verdicts above that rest on $p$ between 0.01 and 0.05 are the "
            "fragile ones.)"),
           ("their samples lie *closer* to the 100 training digits than fresh test digits do (median 6.29\nagainst "
            "6.93), so they mostly redraw the digits they were given, with artefacts, rather than new shapes of\neach "
            "class. At the end of their training the discriminator wins clearly (mean $D$ 0.71 on real and 0.30 on\n"
            "generated pairs), the memorisation of a small training set that section 6 returns to.",
            "their samples lie somewhat closer to the 100 training digits than fresh test digits do (median\n6.29 "
            "against 6.93): they stay near the digits they were given rather than drawing new shapes of each class,\n"
            "though a median this close to the test digits' does not show copies (a copy would sit near 0). At the "
            "end\nof their training the discriminator separates its training pairs from generated ones clearly (mean "
            "$D$ 0.71\nagainst 0.30); fresh real digits were not scored, so this fits, but does not prove, the "
            "memorisation of a\nsmall training set that section 6 returns to."),
           ("with three seeds a true gain must be about four times its seed-to-seed spread to be found four times\n"
            "  in five (exercise 2).",
            "with three seeds a true gain must be between three and four times its seed-to-seed spread to be found\n"
            "  four times in five (exercise 2: found in 46.6% of runs at two spreads, 90.9% at four)."),
           ("with half of each batch synthetic.\n",
            "with half of each batch synthetic (the only share tried). On top of random shifts the\n  100-label pool "
            "still costs 1.6 ± 0.5 points ($p$ = 0.03, exercise 3).\n"),
           ("and the 100-label cGANs mostly redraw their\n  training digits.",
            "and the 100-label cGANs' samples stay close to their\n  training digits."),
           ("measurable with 1,000 (+0.2 ± 0.1, $p$ = 0.11).",
            "measurable with 1,000 (+0.2 ± 0.1, $p$ = 0.11); its intervals are narrower by construction, since its "
            "three\nseeds share one leaky cGAN and vary only the classifier, while each honest gain also carries its "
            "own cGAN's\nvariance."),
           ("# than found; it takes about four to fire four tim",
            "# than found; it takes between three and four to fire four tim")],
}


def apply(prefix, edits):
    path = next(Path("notebooks").glob(f"{prefix}_*.ipynb"))
    nb = nbformat.read(path, as_version=4)
    done = 0
    for old, new in edits:
        hits = [c for c in nb.cells if old in c.source]
        if any(new in c.source for c in nb.cells):
            continue  # already applied
        if len(hits) != 1 or hits[0].source.count(old) != 1:
            raise SystemExit(f"{path.name}: {len(hits)} cells hold {old[:60]!r}")
        if hits[0].cell_type != "markdown" and not old.startswith("#"):
            raise SystemExit(f"{path.name}: not markdown: {old[:60]!r}")
        hits[0].source = hits[0].source.replace(old, new)
        done += 1
    if done:
        write_notebook(nb, path)
    print(f"{path.name}: {done} edit(s)")


for prefix, edits in EDITS.items():
    apply(prefix, edits)
