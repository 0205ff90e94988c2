"""b12-planner: weekly meal plans that reliably meet vitamin B12 targets.

The library reads a snapshot of USDA FoodData Central (`load_catalog`), labels foods by diet
and B12 reliability (`planner.diets`), builds and verifies plans (`planner.model`,
`planner.verify`) and turns them into shopping lists and handouts (`planner.exports`).
The CLI (`b12plan`) and the Streamlit app are thin layers over these.
"""

from planner.catalog import Catalog, load_catalog
from planner.errors import InputError, NoPlanError, PlannerError
from planner.plan import Plan

__all__ = ["Catalog", "InputError", "NoPlanError", "Plan", "PlannerError", "load_catalog"]
__version__ = "0.1.0"
