/** What tcpdoc knows about TCP states: data, explanations and the state diagram. */

export {
  findTransition,
  type RelatedRuleId,
  SEQUENCES,
  type StateAlias,
  STATE_KNOWLEDGE,
  type StateKnowledge,
  type StateSequence,
  type Transition,
  type TransitionCause,
  type TransitionPath,
  TRANSITIONS,
} from "./states.ts";
export {
  DIAGRAM_WIDTH,
  type DiagramNode,
  type DiagramOptions,
  drawStateDiagram,
  formatCount,
  layoutStateDiagram,
  type StateCounts,
  type StateDiagram,
} from "./diagram.ts";
export {
  explainState,
  formatStateList,
  listStates,
  resolveState,
  type StateInfo,
  stateInfo,
  type StateSummary,
  suggestStates,
  unknownStateMessage,
} from "./explain.ts";
