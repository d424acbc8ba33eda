// Which persona answers for which engine.
import type { Engine } from "../state.js";
import { gowsPersona } from "./gows.js";
import { nowebPersona } from "./noweb.js";
import type { Persona, PersonaDeps } from "./persona.js";
import { wawpPersona } from "./wawp.js";
import { webjsPersona } from "./webjs.js";
import { zapoPersona } from "./zapo.js";

export type { Persona } from "./persona.js";

export function personaFor(engine: Engine, deps: PersonaDeps): Persona {
  switch (engine) {
    case "wawp":
      return wawpPersona(deps);
    case "webjs":
      return webjsPersona(deps);
    case "noweb":
      return nowebPersona(deps, false);
    case "noweb-lid":
      return nowebPersona(deps, true);
    case "gows":
      return gowsPersona(deps);
    case "zapo":
      return zapoPersona(deps);
  }
}
