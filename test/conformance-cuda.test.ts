// The same conformance suite on the CUDA backend; skipped where no GPU is usable.
import { info } from "../src";
import { conformanceSuite } from "./support/conformance";

conformanceSuite("cuda", info().backends.cuda.available);
