// Initial/final state, split sequences, packed sequences and the decoder on the CPU.
import { stateSuite } from "./support/state-suite";

stateSuite("cpu", true);
