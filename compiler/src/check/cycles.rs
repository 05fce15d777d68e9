//! Rule cycles: strongly connected components of the graph of definitions, found once per
//! file in linear time, and reported once each, at the member that sorts first.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use super::check_item;
use super::scope::{file_defs, DefKind};
use crate::db::{Db, ItemKey, SourceFile};
use crate::types::DefRef;

/// The rules, conditions and decisions a definition reads (with the exceptions to it written
/// in its own file, which are part of its definition). Per item, so that an edit that changes
/// no reference leaves it equal and the file's graph is not rebuilt.
#[salsa::tracked(returns(ref))]
fn item_deps<'db>(db: &'db dyn Db, key: ItemKey<'db>) -> Vec<DefRef> {
    let file = key.file(db);
    let name = key.name(db);
    let mut out = check_item(db, key).refs();
    for (ex, target) in &file_defs(db, file).exceptions {
        if target == name {
            out.extend(check_item(db, ItemKey::new(db, file, ex.as_str())).refs());
        }
    }
    out.retain(|r| computed_names(db, r.file).contains(&*r.name));
    out.sort();
    out.dedup();
    out
}

/// The names of a file's rules, conditions and decisions: what can be on a cycle. A set, so
/// that each reference is one lookup (a scan per reference costs the square of the file).
#[salsa::tracked(returns(ref))]
pub fn computed_names(db: &dyn Db, file: SourceFile) -> BTreeSet<String> {
    file_defs(db, file)
        .defs
        .iter()
        .filter(|(_, k, _)| matches!(k, DefKind::Rule | DefKind::Condition | DefKind::Decision))
        .map(|(n, _, _)| n.clone())
        .collect()
}

fn sort_key(db: &dyn Db, d: &DefRef) -> (String, String) {
    (d.file.path(db).display().to_string(), d.name.to_string())
}

/// The dependency edges of a file's rules, conditions and decisions, and the files they
/// lead to. Equal after an edit that changes no reference (a value, a comment), so that the
/// cycle search of the files that depend on it is not redone.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct FileDeps {
    pub graph: BTreeMap<DefRef, Vec<DefRef>>,
    /// In order of first reference.
    pub files: Vec<SourceFile>,
}

#[salsa::tracked(returns(ref))]
pub fn file_deps(db: &dyn Db, file: SourceFile) -> FileDeps {
    let mut out = FileDeps::default();
    for (n, k, _) in &file_defs(db, file).defs {
        if !matches!(k, DefKind::Rule | DefKind::Condition | DefKind::Decision) {
            continue;
        }
        let d = DefRef {
            file,
            name: Arc::from(n.as_str()),
        };
        let ds = item_deps(db, ItemKey::new(db, file, n.as_str())).clone();
        for x in &ds {
            if !out.files.contains(&x.file) {
                out.files.push(x.file);
            }
        }
        out.graph.insert(d, ds);
    }
    out
}

/// Every cycle whose first member (in path, then name order) is defined in `file`, as the
/// path from that member back to it (the member itself is not repeated at the end).
#[salsa::tracked(returns(ref))]
pub fn file_cycles(db: &dyn Db, file: SourceFile) -> Vec<Vec<DefRef>> {
    // 1. The graph of the files whose definitions can be on a cycle with the file's: those it
    // leads to that lead back to it.
    let mut reachable: Vec<SourceFile> = vec![file];
    let mut i = 0;
    while i < reachable.len() {
        for &g in &file_deps(db, reachable[i]).files {
            if !reachable.contains(&g) {
                reachable.push(g);
            }
        }
        i += 1;
    }
    let mut back: Vec<SourceFile> = vec![file];
    let mut grew = true;
    while grew {
        grew = false;
        for &f in &reachable {
            if !back.contains(&f) && file_deps(db, f).files.iter().any(|g| back.contains(g)) {
                back.push(f);
                grew = true;
            }
        }
    }
    let mut graph: BTreeMap<DefRef, Vec<DefRef>> = BTreeMap::new();
    for f in &back {
        for (d, ds) in &file_deps(db, *f).graph {
            graph.insert(d.clone(), ds.clone());
        }
    }
    let nodes: Vec<DefRef> = graph.keys().cloned().collect();
    let index: BTreeMap<&DefRef, usize> = nodes.iter().enumerate().map(|(i, d)| (d, i)).collect();
    let adj: Vec<Vec<usize>> = nodes
        .iter()
        .map(|d| {
            graph[d]
                .iter()
                .filter_map(|x| index.get(x).copied())
                .collect()
        })
        .collect();

    // 2. Kosaraju, iteratively: finishing order, then components on the transposed graph.
    let n = nodes.len();
    let mut order = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    for s in 0..n {
        if seen[s] {
            continue;
        }
        seen[s] = true;
        let mut stack = vec![(s, 0usize)];
        while let Some((v, i)) = stack.last_mut() {
            if let Some(&w) = adj[*v].get(*i) {
                *i += 1;
                if !seen[w] {
                    seen[w] = true;
                    stack.push((w, 0));
                }
            } else {
                order.push(*v);
                stack.pop();
            }
        }
    }
    let mut radj = vec![Vec::new(); n];
    for (v, ws) in adj.iter().enumerate() {
        for &w in ws {
            radj[w].push(v);
        }
    }
    let mut comp = vec![usize::MAX; n];
    let mut components: Vec<Vec<usize>> = Vec::new();
    for &s in order.iter().rev() {
        if comp[s] != usize::MAX {
            continue;
        }
        let c = components.len();
        let mut members = vec![s];
        comp[s] = c;
        let mut stack = vec![s];
        while let Some(v) = stack.pop() {
            for &w in &radj[v] {
                if comp[w] == usize::MAX {
                    comp[w] = c;
                    members.push(w);
                    stack.push(w);
                }
            }
        }
        components.push(members);
    }

    // 3. One path per cyclic component, from its first member back to it.
    let mut out = Vec::new();
    for (c, members) in components.iter().enumerate() {
        let self_loop = members.len() == 1 && adj[members[0]].contains(&members[0]);
        if members.len() < 2 && !self_loop {
            continue;
        }
        let Some(&start) = members.iter().min_by_key(|&&m| sort_key(db, &nodes[m])) else {
            continue;
        };
        if nodes[start].file != file {
            continue;
        }
        // Shortest way back to `start` inside the component.
        let mut prev: BTreeMap<usize, usize> = BTreeMap::new();
        let mut visited = BTreeSet::new();
        let mut q = VecDeque::from([start]);
        let mut last = None;
        'bfs: while let Some(v) = q.pop_front() {
            for &w in &adj[v] {
                if comp[w] != c {
                    continue;
                }
                if w == start {
                    last = Some(v);
                    break 'bfs;
                }
                if visited.insert(w) {
                    prev.insert(w, v);
                    q.push_back(w);
                }
            }
        }
        let mut path = Vec::new();
        let mut cur = last;
        while let Some(v) = cur {
            path.push(nodes[v].clone());
            cur = if v == start {
                None
            } else {
                prev.get(&v).copied()
            };
        }
        path.reverse();
        out.push(path);
    }
    out
}

/// The rules written without a type that sit on a cycle of such rules within their file,
/// found from the syntax alone in linear time. Their type cannot be inferred: `item_type`
/// gives them `Ty::Error` at once, instead of letting salsa unwind a long query cycle (which
/// costs memory in the square of its length); the cycle itself is reported as usual.
#[salsa::tracked(returns(ref))]
pub fn untyped_cycle_members(db: &dyn Db, file: SourceFile) -> BTreeSet<String> {
    use crate::syntax::ast::ItemKind;
    let parsed = crate::db::parse_file(db, file);
    let untyped: Vec<(&str, &crate::syntax::ast::Expr)> = parsed
        .items
        .iter()
        .filter_map(|pi| match &pi.item.kind {
            ItemKind::Rule(r) if r.ty.is_none() => Some((r.name.text.as_str(), &r.body)),
            _ => None,
        })
        .collect();
    let index: BTreeMap<&str, usize> = untyped
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (*n, i))
        .collect();
    let edges: Vec<Vec<usize>> = untyped
        .iter()
        .map(|(_, body)| {
            let mut names = Vec::new();
            names_read(body, &mut Vec::new(), &mut names);
            let mut out: Vec<usize> = names.iter().filter_map(|n| index.get(n).copied()).collect();
            out.sort_unstable();
            out.dedup();
            out
        })
        .collect();
    strongly_connected(&edges)
        .into_iter()
        .filter(|c| c.len() > 1 || edges[c[0]].contains(&c[0]))
        .flatten()
        .map(|i| untyped[i].0.to_string())
        .collect()
}

/// The names an expression reads, but those bound by its comprehensions.
fn names_read<'a>(
    e: &'a crate::syntax::ast::Expr,
    bound: &mut Vec<&'a str>,
    out: &mut Vec<&'a str>,
) {
    use crate::syntax::ast::ExprKind as K;
    match &e.kind {
        K::Name(n) if !bound.contains(&n.as_str()) => out.push(n),
        K::Name(_) | K::Number { .. } | K::Bool(_) | K::Text(_) | K::Date(_) | K::Error => {}
        K::Field(x, _) | K::Unary(_, x) | K::Paren(x) => names_read(x, bound, out),
        K::Call(f, args) => {
            names_read(f, bound, out);
            args.iter().for_each(|a| names_read(a, bound, out));
        }
        K::Binary(_, a, b) => {
            names_read(a, bound, out);
            names_read(b, bound, out);
        }
        K::If {
            cond,
            then,
            otherwise,
            ..
        } => {
            names_read(cond, bound, out);
            names_read(then, bound, out);
            names_read(otherwise, bound, out);
        }
        K::Selon {
            scrutinee,
            arms,
            default,
        } => {
            names_read(scrutinee, bound, out);
            arms.iter().for_each(|a| names_read(&a.body, bound, out));
            if let Some(d) = default {
                names_read(d, bound, out);
            }
        }
        K::List(items) => items.iter().for_each(|i| names_read(i, bound, out)),
        K::Record { fields, .. } => fields.iter().for_each(|(_, v)| names_read(v, bound, out)),
        K::Comprehension {
            body,
            var,
            list,
            filter,
        } => {
            names_read(list, bound, out);
            bound.push(&var.text);
            names_read(body, bound, out);
            if let Some(f) = filter {
                names_read(f, bound, out);
            }
            bound.pop();
        }
    }
}

/// Tarjan's strongly connected components, without recursion.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let (mut index, mut low) = (vec![usize::MAX; n], vec![0; n]);
    let mut on_stack = vec![false; n];
    let (mut stack, mut out, mut next) = (Vec::new(), Vec::new(), 0);
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            if *i == 0 {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*i) {
                *i += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                out.push(component);
            }
        }
    }
    out
}
