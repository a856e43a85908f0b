//! The flow as an AND/OR graph of steps: actions, conditions and operators (the types
//! [`af_stix::flow::is_flow_node`] names), joined by the flow refs of
//! [`af_stix::flow::flow_refs_of`] and by condition branches written the Builder's way
//! ([`af_stix::flow::is_builder_branch`]). Assets, context and every other object are not
//! steps and are left out.

use af_stix::flow::{self, FlowRef};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// One STIX object as a JSON map.
pub type Object = Map<String, Value>;

/// What a step is, which decides how it is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// An `attack-action`: reached from any one of its inputs.
    Action,
    /// An `attack-condition`: reached from any one input; leads on through either branch.
    Condition,
    /// An `AND` operator: reached when every input is.
    And,
    /// An `OR` operator (or an operator whose value is unknown): reached from any one input.
    Or,
}

/// How an edge leaves its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// `effect_refs`, `on_true_refs` or `on_false_refs`.
    Ref(FlowRef),
    /// A `related-to` relationship from a condition, the Attack Flow Builder's way of writing
    /// a branch.
    BuilderBranch,
}

/// One step of the flow.
#[derive(Debug, Clone)]
pub struct Step {
    /// The STIX id.
    pub id: String,
    /// What it is.
    pub kind: StepKind,
    /// The name people know it by: the `.af` name when the caller gave one
    /// ([`FlowGraph::set_names`]), else the object's `name`, else its technique id, else the
    /// start of its description, else its id.
    pub label: String,
    /// The `.af` name, when known.
    pub source_name: Option<String>,
    /// The object's `name` property.
    pub name: Option<String>,
    /// `technique_id` of an action, as written.
    pub technique: Option<String>,
    /// `tactic_id` of an action, as written.
    pub tactic: Option<String>,
    /// `execution_start` of an action.
    pub start: Option<String>,
    /// `execution_end` of an action.
    pub end: Option<String>,
}

impl Step {
    /// Whether a defender can block this step: actions only. Conditions are states of the
    /// world and operators are structure; they are never part of a cut.
    pub fn blockable(&self) -> bool {
        self.kind == StepKind::Action
    }

    /// Whether the step shows in a way to a goal (actions and conditions).
    pub fn shown(&self) -> bool {
        matches!(self.kind, StepKind::Action | StepKind::Condition)
    }
}

/// The steps of a flow and the edges between them.
#[derive(Debug, Clone)]
pub struct FlowGraph {
    /// The flow's name, if it has an `attack-flow` object with one.
    pub name: Option<String>,
    /// Steps in the order of the input objects.
    pub steps: Vec<Step>,
    /// `succ[i]`: (target, how) for every edge out of step `i`, each target once.
    pub succ: Vec<Vec<(usize, EdgeKind)>>,
    /// `pred[i]`: every step with an edge into step `i`, each once.
    pub pred: Vec<Vec<usize>>,
    /// Whether a step can start the flow: an action or condition with no inputs, or one the
    /// flow's `start_refs` names.
    pub source: Vec<bool>,
    /// Steps in an order where, outside cycles, every step comes after its inputs.
    pub order: Vec<usize>,
    /// Position of each step in [`FlowGraph::order`].
    pub rank: Vec<usize>,
    index: HashMap<String, usize>,
}

/// Why a goal cannot be chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoalError {
    /// No step matches the name.
    Unknown {
        /// The name asked for.
        name: String,
        /// Step labels that are close.
        suggestions: Vec<String>,
    },
    /// Several steps match the name.
    Ambiguous {
        /// The name asked for.
        name: String,
        /// The ids of the steps that match.
        ids: Vec<String>,
    },
    /// The name is an operator, which is no goal.
    NotAGoal {
        /// The name asked for.
        name: String,
    },
    /// No goal was named and no action is a sink.
    NoGoal,
}

impl std::fmt::Display for GoalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GoalError::Unknown { name, suggestions } => {
                write!(f, "no step is called `{name}`")?;
                if !suggestions.is_empty() {
                    write!(f, " (did you mean {}?)", suggestions.join(", "))?;
                }
                Ok(())
            }
            GoalError::Ambiguous { name, ids } => write!(
                f,
                "`{name}` names {} steps ({}); give the id of one",
                ids.len(),
                ids.join(", ")
            ),
            GoalError::NotAGoal { name } => {
                write!(f, "`{name}` is an operator; a goal is an action or condition")
            }
            GoalError::NoGoal => f.write_str(
                "the flow has no goal: no action ends it (every action leads on); name one with --goal",
            ),
        }
    }
}

impl std::error::Error for GoalError {}

fn str_of<'a>(o: &'a Object, key: &str) -> Option<&'a str> {
    o.get(key).and_then(Value::as_str)
}

fn refs_of<'a>(o: &'a Object, key: &str) -> impl Iterator<Item = &'a str> + 'a {
    o.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

fn short(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut s: String = one_line.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

impl FlowGraph {
    /// Builds the graph from the objects of one flow (a compiled `.af` file, a bundle, an
    /// imported `.afb`). Refs to objects that are missing or are not steps are ignored.
    pub fn from_objects(objects: &[Object]) -> FlowGraph {
        let mut steps = Vec::new();
        let mut index = HashMap::new();
        let mut types: HashMap<&str, &str> = HashMap::new();
        for o in objects {
            let (Some(t), Some(id)) = (str_of(o, "type"), str_of(o, "id")) else {
                continue;
            };
            types.insert(id, t);
            if !flow::is_flow_node(t) || index.contains_key(id) {
                continue;
            }
            let kind = match t {
                "attack-action" => StepKind::Action,
                "attack-condition" => StepKind::Condition,
                _ => match str_of(o, "operator").map(str::to_ascii_uppercase).as_deref() {
                    Some("AND") => StepKind::And,
                    _ => StepKind::Or,
                },
            };
            let name = str_of(o, "name").map(|s| short(s, 80)).filter(|s| !s.is_empty());
            let technique = str_of(o, "technique_id")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from);
            let label = match (&name, &technique, kind) {
                (Some(n), _, _) => n.clone(),
                (None, Some(t), _) => t.clone(),
                (None, None, StepKind::And) => "AND".into(),
                (None, None, StepKind::Or) => "OR".into(),
                _ => str_of(o, "description")
                    .map(|d| short(d, 60))
                    .filter(|d| !d.is_empty())
                    .unwrap_or_else(|| id.to_string()),
            };
            index.insert(id.to_string(), steps.len());
            steps.push(Step {
                id: id.to_string(),
                kind,
                label,
                source_name: None,
                name,
                technique,
                tactic: str_of(o, "tactic_id").map(String::from),
                start: str_of(o, "execution_start").map(String::from),
                end: str_of(o, "execution_end").map(String::from),
            });
        }
        let n = steps.len();
        let mut succ: Vec<Vec<(usize, EdgeKind)>> = vec![Vec::new(); n];
        let add = |succ: &mut Vec<Vec<(usize, EdgeKind)>>, from: usize, to: usize, kind: EdgeKind| {
            if !succ[from].iter().any(|(t, _)| *t == to) {
                succ[from].push((to, kind));
            }
        };
        let mut starts = Vec::new();
        let mut flow_name = None;
        for o in objects {
            let (Some(t), Some(id)) = (str_of(o, "type"), str_of(o, "id")) else {
                continue;
            };
            if t == "attack-flow" {
                flow_name = flow_name.or_else(|| str_of(o, "name").map(|s| short(s, 200)));
                starts.extend(refs_of(o, "start_refs").filter_map(|r| index.get(r).copied()));
            } else if t == "relationship" {
                let (Some(rt), Some(s), Some(d)) = (
                    str_of(o, "relationship_type"),
                    str_of(o, "source_ref"),
                    str_of(o, "target_ref"),
                ) else {
                    continue;
                };
                let (Some(&st), Some(&dt)) = (types.get(s), types.get(d)) else {
                    continue;
                };
                if flow::is_builder_branch(rt, st, dt) {
                    if let (Some(&a), Some(&b)) = (index.get(s), index.get(d)) {
                        add(&mut succ, a, b, EdgeKind::BuilderBranch);
                    }
                }
            } else if let Some(&from) = index.get(id) {
                for r in flow::flow_refs_of(t) {
                    for target in refs_of(o, r.key()) {
                        if let Some(&to) = index.get(target) {
                            add(&mut succ, from, to, EdgeKind::Ref(*r));
                        }
                    }
                }
            }
        }
        let mut pred = vec![Vec::new(); n];
        for (from, out) in succ.iter().enumerate() {
            for (to, _) in out {
                pred[*to].push(from);
            }
        }
        let mut source: Vec<bool> = (0..n)
            .map(|i| pred[i].is_empty() && matches!(steps[i].kind, StepKind::Action | StepKind::Condition))
            .collect();
        for s in starts {
            if matches!(steps[s].kind, StepKind::Action | StepKind::Condition) {
                source[s] = true;
            }
        }
        let order = flow_order(&succ, &source);
        let mut rank = vec![0; n];
        for (pos, &i) in order.iter().enumerate() {
            rank[i] = pos;
        }
        FlowGraph {
            name: flow_name,
            steps,
            succ,
            pred,
            source,
            order,
            rank,
            index,
        }
    }

    /// Gives steps their `.af` names (STIX id → name), which then become their labels.
    pub fn set_names<'a>(&mut self, names: impl IntoIterator<Item = (&'a str, &'a str)>) {
        for (id, name) in names {
            if let Some(&i) = self.index.get(id) {
                self.steps[i].source_name = Some(name.to_string());
                self.steps[i].label = name.to_string();
            }
        }
    }

    /// The step with this STIX id.
    pub fn step_index(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Number of steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether the flow has no steps.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The default goals: actions that lead nowhere (no edge to another step), in flow order.
    pub fn sink_actions(&self) -> Vec<usize> {
        self.order
            .iter()
            .copied()
            .filter(|&i| self.steps[i].kind == StepKind::Action && self.succ[i].is_empty())
            .collect()
    }

    /// Finds the goal called `name`: a STIX id, an `.af` name, or an action's `name`
    /// (case-insensitive), in this order.
    pub fn find(&self, name: &str) -> Result<usize, GoalError> {
        let pick = |hits: Vec<usize>| -> Option<Result<usize, GoalError>> {
            match hits.as_slice() {
                [] => None,
                [one] => Some(if self.steps[*one].shown() {
                    Ok(*one)
                } else {
                    Err(GoalError::NotAGoal { name: name.into() })
                }),
                many => Some(Err(GoalError::Ambiguous {
                    name: name.into(),
                    ids: many.iter().map(|&i| self.steps[i].id.clone()).collect(),
                })),
            }
        };
        if let Some(&i) = self.index.get(name) {
            return pick(vec![i]).unwrap_or(Err(GoalError::NoGoal));
        }
        let by_source: Vec<usize> = (0..self.len())
            .filter(|&i| self.steps[i].source_name.as_deref() == Some(name))
            .collect();
        if let Some(r) = pick(by_source) {
            return r;
        }
        let by_name: Vec<usize> = (0..self.len())
            .filter(|&i| {
                self.steps[i]
                    .name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name.trim()))
            })
            .collect();
        if let Some(r) = pick(by_name) {
            return r;
        }
        let lower = name.to_lowercase();
        let mut suggestions: Vec<String> = self
            .order
            .iter()
            .map(|&i| &self.steps[i])
            .filter(|s| s.shown())
            .filter(|s| {
                let l = s.label.to_lowercase();
                l.contains(&lower) || lower.contains(&l) || af_diagnostics::edit_distance(&l, &lower) <= 2
            })
            .map(|s| s.label.clone())
            .collect();
        suggestions.truncate(3);
        Err(GoalError::Unknown {
            name: name.into(),
            suggestions,
        })
    }

    /// The goals: the named ones, or else the sink actions. An error when none is found.
    pub fn goals(&self, names: &[String]) -> Result<Vec<usize>, GoalError> {
        if names.is_empty() {
            let sinks = self.sink_actions();
            if sinks.is_empty() {
                return Err(GoalError::NoGoal);
            }
            return Ok(sinks);
        }
        let mut out = Vec::new();
        for n in names {
            let g = self.find(n)?;
            if !out.contains(&g) {
                out.push(g);
            }
        }
        Ok(out)
    }

    /// Every step from which `goal` can be reached along edges (including `goal`).
    pub fn ancestors(&self, goal: usize) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut stack = vec![goal];
        seen[goal] = true;
        while let Some(v) = stack.pop() {
            for &p in &self.pred[v] {
                if !seen[p] {
                    seen[p] = true;
                    stack.push(p);
                }
            }
        }
        seen
    }
}

/// Steps in flow order: Kahn's topological order, taking the earliest input object first
/// among the steps whose inputs are all placed; a cycle is entered at its earliest step.
fn flow_order(succ: &[Vec<(usize, EdgeKind)>], _source: &[bool]) -> Vec<usize> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let n = succ.len();
    let mut indegree = vec![0usize; n];
    for out in succ {
        for &(w, _) in out {
            indegree[w] += 1;
        }
    }
    let mut placed = vec![false; n];
    let mut heap: BinaryHeap<Reverse<usize>> = (0..n).filter(|&i| indegree[i] == 0).map(Reverse).collect();
    let mut order = Vec::with_capacity(n);
    let mut next_unplaced = 0;
    while order.len() < n {
        let v = match heap.pop() {
            Some(Reverse(v)) => v,
            None => {
                while placed[next_unplaced] {
                    next_unplaced += 1;
                }
                next_unplaced
            }
        };
        if placed[v] {
            continue;
        }
        placed[v] = true;
        order.push(v);
        for &(w, _) in &succ[v] {
            indegree[w] = indegree[w].saturating_sub(1);
            if indegree[w] == 0 && !placed[w] {
                heap.push(Reverse(w));
            }
        }
    }
    order
}
