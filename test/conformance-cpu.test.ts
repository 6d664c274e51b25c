// Every method × dtype × awkward shape on the CPU backend against the float64 reference.
import { conformanceSuite } from "./support/conformance";

conformanceSuite("cpu", true);
