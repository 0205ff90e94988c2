"""A short B12 risk check: which risk factors apply -> a suggested diet preset and plain messages.

The check is information, not medical advice. It exists so the app can say two things clearly:
which planner preset fits a person's situation, and what no meal plan can do (malabsorption and
neurological symptoms need a clinician). Risk factors follow the background article "The
Neurological Impact of Vitamin B12" and the NIH Office of Dietary Supplements fact sheet; the
reasoning for each message is in docs/app.md and the domain reference (IOM 1998, ch. 9).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from planner.errors import InputError

NIH_FACT_SHEET_URL = "https://ods.od.nih.gov/factsheets/VitaminB12-HealthProfessional/"
NIH_CONSUMER_URL = "https://ods.od.nih.gov/factsheets/VitaminB12-Consumer/"

Level = Literal["info", "warning", "clinician"]


@dataclass(frozen=True)
class RiskFactor:
    """One yes/no question of the risk check; `key` is what callers pass to `assess_risk`."""

    key: str
    question: str
    # What the factor means for B12: "diet" (little B12 in the foods eaten), "food_bound"
    # (B12 bound in food is poorly absorbed, B12 from fortified foods and tablets still is),
    # "malabsorption" (little B12 is absorbed at all: a clinician must direct treatment),
    # "medicine" (lowers B12 status over time: worth a periodic check).
    effect: Literal["diet", "food_bound", "malabsorption", "medicine"]
    message: str
    level: Level


RISK_FACTORS: tuple[RiskFactor, ...] = (
    RiskFactor(
        "vegan",
        "I eat a vegan diet (no meat, fish, dairy or eggs)",
        "diet",
        "Plant foods contain essentially no B12 unless it is added. A vegan plan has to get its "
        "B12 from fortified foods (some plant milks, breakfast cereals, nutritional yeast) or a "
        "supplement; nori, spirulina, tempeh and mushrooms do not count.",
        "warning",
    ),
    RiskFactor(
        "vegetarian",
        "I eat a vegetarian diet (no meat or fish, but dairy or eggs)",
        "diet",
        "Dairy and eggs supply some B12, but vegetarian diets often fall short; fortified foods "
        "or a supplement make the intake reliable.",
        "info",
    ),
    RiskFactor(
        "over_50",
        "I am over 50",
        "food_bound",
        "10 to 30 percent of people over 50 cannot absorb the B12 bound in food. The US advice "
        "is to meet the target mainly with fortified foods or a supplement, whose B12 is still "
        "absorbed.",
        "warning",
    ),
    RiskFactor(
        "pernicious_anaemia",
        "I have pernicious anaemia",
        "malabsorption",
        "Pernicious anaemia stops B12 from food and ordinary tablets being absorbed. It needs "
        "treatment directed by a clinician (injections or high-dose tablets); no meal plan can "
        "replace that.",
        "clinician",
    ),
    RiskFactor(
        "crohns",
        "I have Crohn's disease",
        "malabsorption",
        "Crohn's disease of the last part of the small intestine (the ileum) or surgery there "
        "stops B12 being absorbed. B12 then has to be given under a clinician's direction.",
        "clinician",
    ),
    RiskFactor(
        "coeliac",
        "I have coeliac disease",
        "malabsorption",
        "Coeliac disease can damage the gut lining and reduce B12 absorption; ask your "
        "clinician whether your B12 should be checked or treated.",
        "clinician",
    ),
    RiskFactor(
        "atrophic_gastritis",
        "I have atrophic gastritis",
        "food_bound",
        "Atrophic gastritis leaves too little stomach acid to free B12 from food. B12 from "
        "fortified foods and supplements is still absorbed, so rely on those.",
        "warning",
    ),
    RiskFactor(
        "gastric_surgery",
        "I have had stomach or bowel surgery (e.g. gastric bypass, gastrectomy)",
        "malabsorption",
        "After a gastrectomy, a gastric bypass or removal of part of the ileum, B12 has to be "
        "given under a clinician's direction; a meal plan cannot supply it reliably.",
        "clinician",
    ),
    RiskFactor(
        "metformin",
        "I take metformin",
        "medicine",
        "Long-term metformin lowers B12 levels, more so at higher doses and over years. Ask "
        "your clinician about checking your B12 regularly.",
        "warning",
    ),
    RiskFactor(
        "acid_reducers",
        "I take acid reducers for months at a time (e.g. omeprazole, famotidine)",
        "food_bound",
        "Proton-pump inhibitors and H2 blockers reduce the stomach acid that frees B12 from "
        "food. B12 from fortified foods and supplements does not need that acid.",
        "warning",
    ),
    RiskFactor(
        "alcohol",
        "I drink alcohol heavily",
        "food_bound",
        "Heavy alcohol use can impair B12 absorption and nutrition in general; talk to a "
        "clinician about a check.",
        "warning",
    ),
)

FACTORS_BY_KEY = {factor.key: factor for factor in RISK_FACTORS}

LIMITS = (
    "Food planning cannot fix malabsorption: if your body cannot absorb B12 (pernicious "
    "anaemia, surgery on the stomach or ileum, Crohn's disease of the ileum), B12 has to be "
    "given under a clinician's direction.",
    "Tingling, numbness, calf cramps, balance problems, memory or mood changes and a sore "
    "tongue need a clinician, not a meal plan: nerve damage from a lack of B12 can become "
    "permanent if treatment starts late.",
    "The usual tests are a full blood count, serum B12, methylmalonic acid (MMA) and "
    "homocysteine; a clinician interprets them, since cut-offs vary by laboratory.",
    "High folic acid intake can hide the anaemia of B12 deficiency while nerve damage goes on.",
)

DISCLAIMER = (
    "This check is information, not medical advice. It does not diagnose anything; if you are "
    "worried about your B12, talk to a doctor or dietitian."
)


@dataclass(frozen=True)
class RiskAssessment:
    """What the check concludes: a planner preset to start from and the messages to show."""

    suggested_preset: str
    reason: str
    messages: tuple[tuple[Level, str], ...]
    needs_clinician: bool
    prefer_fortified: bool


def assess_risk(factor_keys: Iterable[str]) -> RiskAssessment:
    """Map the risk factors a person ticked to a diet preset and the messages that apply.

    Vegan beats vegetarian (the stricter diet decides the food list). Any factor that stops B12
    bound in food being absorbed makes "fortified-only" the suggestion for omnivores; vegans
    already count only fortified foods. Malabsorption factors set `needs_clinician`: the app
    must then say that a plan alone is not enough.
    """
    keys = list(dict.fromkeys(factor_keys))
    unknown = [key for key in keys if key not in FACTORS_BY_KEY]
    if unknown:
        raise InputError(f"unknown risk factor(s) {unknown}; choose from {sorted(FACTORS_BY_KEY)}")
    chosen = [FACTORS_BY_KEY[key] for key in keys]
    effects = {factor.effect for factor in chosen}
    needs_clinician = "malabsorption" in effects
    prefer_fortified = bool(effects & {"food_bound", "malabsorption"})

    if "vegan" in keys:
        preset, reason = "vegan", "you eat no animal foods"
    elif "vegetarian" in keys:
        preset, reason = "vegetarian", "you eat dairy or eggs but no meat or fish"
        if prefer_fortified:
            reason += "; choose fortified foods or a supplement for most of your B12"
    elif prefer_fortified:
        preset = "fortified-only"
        reason = (
            "B12 bound in food may not be absorbed well, so the plan counts only B12 from "
            "fortified foods and supplements"
        )
    else:
        preset, reason = "omnivore", "none of the diet or absorption risk factors applies"

    ordered = sorted(chosen, key=lambda f: ("clinician", "warning", "info").index(f.level))
    messages = tuple((factor.level, factor.message) for factor in ordered)
    if needs_clinician:
        messages = (
            (
                "clinician",
                "A meal plan may not be enough for you: at least one condition you ticked can "
                "stop B12 being absorbed. Use the planner only alongside a clinician's advice.",
            ),
            *messages,
        )
    return RiskAssessment(preset, reason, messages, needs_clinician, prefer_fortified)
