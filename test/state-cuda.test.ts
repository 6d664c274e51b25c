// The state suite on CUDA; skipped where no GPU is usable.
import { info } from "../src";
import { stateSuite } from "./support/state-suite";

stateSuite("cuda", info().backends.cuda.available);
