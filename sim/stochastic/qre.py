"""Logit quantal-response equilibria: the principal branch, traced for a batch of games.

A logit QRE at precision ``lambda`` (McKelvey and Palfrey, "Quantal response equilibria for
normal form games", *Games and Economic Behavior* 10, 1995) is a profile ``sigma`` with
``sigma_ij = exp(lambda U_ij(sigma)) / sum_k exp(lambda U_ik(sigma))``, ``U_ij`` player
``i``'s expected payoff of action ``j`` against the others' ``sigma``. At ``lambda = 0`` it
is the uniform profile; for generic games the set of QRE over ``lambda >= 0`` contains a
unique smooth curve from there (the *principal branch*) that converges, as ``lambda -> oo``,
to one Nash equilibrium: the selection this engine uses.

**The system traced** (in log-probabilities ``y_ij = log sigma_ij``, as Turocy, "A dynamic
homotopy interpretation of the logistic quantal response equilibrium correspondence",
*Games and Economic Behavior* 51, 2005): for every player ``i``

    sum_j exp(y_ij) - 1 = 0,     y_ij - y_i0 - lambda (U_ij - U_i0) = 0   (j >= 1),

``M = sum_i m_i`` equations in the ``M + 1`` unknowns ``(y, lambda)``. The curve is followed
by pseudo-arclength predictor-corrector continuation (Allgower and Georg, *Introduction to
Numerical Continuation Methods*, 2003, ch. 2 and 6): an Euler step along the unit tangent
(the null vector of the Jacobian, oriented by the previous one), then corrections
orthogonal to it: two Newton corrections, then, unless Newton's error estimate says the
point is converged (*Newton's estimate ends a step* below), chord corrections with the
second one's factors (see *Shamanskii corrections* below). Step-size control is Allgower and Georg's
(sec. 6.1), measured in probabilities (a change of a log-probability weighs by the
probability, of lambda relative to ``1 + lambda``, so an action whose probability runs to
zero costs no steps): a step is accepted when the corrector converges (its error below
``NEWTON_TOL``) within ``MAX_NEWTON`` corrections and its first correction, contraction
rate (the second correction over the first) and tangent turn are within twice (four
times, for the first two) their nominal values ``NOMINAL_DISTANCE``,
``NOMINAL_CONTRACTION``, ``NOMINAL_ANGLE``, and the branch keeps its orientation (*The
branch's orientation* below); the next step is scaled by how far below or
above them this one was (at most doubled), a rejected step halves. With these values the
limits agree with pygambit's ``logit_solve`` on 60 random 4-player, 3-action games and 200
stage games of the engine's benchmark; looser ones jumped branches on two of the 60.
Turning points (``lambda`` briefly decreasing) are followed, not jumped. Every game has
its own steps; they run compiled (:mod:`sim.stochastic.logit_kernel`), one game after
another.

**Where it stops.** Payoffs are first normalised per game to the range [0, 1] (one affine
map for all players, which leaves the branch unchanged up to a rescaling of ``lambda``),
so ``lambda`` is in units of the inverse payoff spread. A game's trace stops at the first
accepted point whose largest regret is at most ``stop_regret`` (default 1e-8 of the
spread, the criterion of pygambit's ``logit_solve``), or at ``LAMBDA_MAX`` = 1e12. The limit
is then **polished**: the actions with probability at least ``SUPPORT_FLOOR`` form the
support, and Newton's method on the equal-payoff conditions over that support (from the
traced point) gives the exact equilibrium, kept when it is within ``POLISH_DISTANCE`` of the
traced point and passes the regret check. If not, the trace resumes with a hundredfold
smaller ``stop_regret`` (the reference re-trace: on to ``LAMBDA_MAX``, where a limit not
found on that support is polished on every action still played; *The end of the re-trace*
below).

The equilibrium selected is invariant to adding a constant to a player's payoffs and to
scaling *all* payoffs by one positive number, but not to rescaling one player alone: the
logit response compares payoff differences across players with one ``lambda``.

**Why the control was not looser** (measured 2026-12-01 against this code, with a
nominal turn of 0.05 and before the orientation check; since wave 15 the nominal turn is
0.1, see *A looser turn, kept by the orientation* below; on the traced
stage games of the article's analysis grid, of ``benchmarks/bench_engine.py``'s rounds
after the shock and of random games). A trace takes 60-75 accepted steps of about three
Newton corrections each, nearly no rejections; the tangent-turn criterion bounds 86% of
the steps, the correction distance 13%, the contraction 0.1%. Looser settings cut steps
but leave the branch: a nominal turn of 0.1 (0.2) ended 2 (6) of 300 random 4-player,
3-action games at another equilibrium than this control and pygambit's ``logit_solve``
(``tests/test_stochastic_oracles.py`` keeps five of them), the unweighted turn 7, a
looser turn with a tighter distance 1-2 of 600 per shape, a Newton tolerance of 1e-4 4
to 7 of 300. What stays on the branch gains little: a Newton tolerance of 1e-6 or
stopping Newton on its error estimate (Deuflhard's ``last^2 / previous``) 5-10%, a
quadratic (secant-tangent) predictor nothing (the turn, not the prediction, bounds the
step), stopping at a looser regret before the polish at most 6% (the steps after regret
1e-5), a contraction certificate that the branch runs to a strict pure equilibrium about
1% (it holds only shortly before the regret reaches ``STOP_REGRET``).

**Shamanskii corrections** (wave 6, 2026-12-01). A step evaluates and factors the Jacobian
for its first ``NEWTON_STEPS`` = 2 corrections only (Newton's method); the later ones reuse
the last factors and evaluate only the residual (the payoffs ``U`` over the profiles,
without their derivatives: about a third of the cost), and the new tangent is solved with
the same factors, as before (the Shamanskii variant of Newton's method: Kelley, *Iterative
Methods for Linear and Nonlinear Equations*, SIAM 1995, sec. 5.4.3-5.4.4, the chord and
Shamanskii methods; Allgower and Georg 2003, ch. 7, on keeping the Jacobian across
corrections in continuation). A chord correction contracts linearly, so the corrector stops
when the error left after a correction, estimated as ``rate / (1 - rate)`` times it with the
rate of the last two (Kelley 1995, sec. 5.2), is below ``NEWTON_TOL`` (Newton's corrections
shrink quadratically, and the old test, the last correction below ``NEWTON_TOL``, cost a
correction whose size was already known); a chord correction that contracts less than
``CHORD_RATE`` refreshes the Jacobian. The first correction, the contraction and the tangent
turn are measured from the same two Newton corrections as before, so the control is
unchanged; accepted points lie within ``NEWTON_TOL`` of the branch
(``tests/test_stochastic_oracles.py`` checks one Newton step from them). A game whose trace
is not verified at the first stop (``STOP_REGRET``) is traced again with Newton's method
throughout (``chord=False``, ``REFERENCE_NEWTON`` corrections at most: the previous tracer
bit for bit, its profiles, steps and corrections on 4,369 games compared with
``np.array_equal``), which resumes at tighter stopping regrets as before (that loop, a
polish for each hundredfold tighter regret up to 147 of them, costs 0.5-0.75 s in a
benchmark round with unverified games: paying it once for the chord trace and again for the
re-trace made a round slower). A trace whose regret is exactly 0 leaves that loop (wave 7):
no tighter stop can move it, so its polish would only repeat; of the benchmark's 65
unverified games of six rounds after the shock, 18 reached regret 0 and were polished 147
times each (none of the 65 ever verifies), the re-trace 0.69 -> 0.08 CPU s with the same
profiles, lambdas and steps bit for bit (and on the 139 of ``answer()`` on the nine
scenarios, which verify within three stops or reach ``LAMBDA_MAX``). Measured on the
benchmark's 4,069 traced stage games of a round after the shock: 63.4 steps a game (63.2
before), 2.99 corrections a step of which 2.01 with a Jacobian (3.06 before, all with one);
the kernel 0.37-0.38 ms a game against 0.46-0.51 (min of 5, three runs alternating, load
average 4-6: 1.25x); an analysis solve (16 calibrations of the baseline at the analysis
grid, ``solve_calibrations``) 22.1 against 25.4 CPU seconds (medians of 3, alternating, load
4: 1.15x). The selections: on those games, the 7,253 of the first round solved and 300
random 4-player, 3-action games no support changes and no limit moves by more than 1e-9
where the support system is regular (an isolated equilibrium, which the polish makes exact);
1,564 move where it is singular (a continuum: single-mixer ties, a few three-mixer
continua), at most 7.2e-6. Of the 109,218 selected stage strategies of ``answer()`` on the
nine shipped scenarios at the analysis grid, the stop point moves in three single-mixer
continua (``fuel_crisis`` round 2, ``november_2024`` round 0: the mixer by 0.12, then up to
0.02 in the rounds before through the continuation values); two change support, both in
``lebanon_deal`` from round 20 back, whose state 336 is a knife edge of the tracer itself: a
change of 8.9e-16 in its payoffs (the continuation values of the rounds after, moved in the
last bits) turns the previous tracer's answer from a verified two-mixer equilibrium (282
steps) into an unverified trace (111 steps), and the new tracer on the previous payoffs
gives the previous answer. What did not hold: one Newton correction a step (a Jacobian a
step, the tangent from the predicted point's; the kernel 1.7x) agrees on the benchmark's and
the random games but not on the scenarios' harder games (100-280 steps, turning points): on
five of nine scenarios a root stage game changed, one trace failing at lambda 44
(``gulf_push``), one leaving the branch for another verified equilibrium (``offensive``; the
previous tracer and pygambit's ``logit_solve`` agree on the old one), three ending
unverified, which the re-trace repairs but not the branch jump. Keeping ``U``'s and the
pairs' partial sums in registers, and copying the pivot row in the elimination, gained
nothing measurable.

**Warm starts** (wave 7, 2026-12-01). The same state's stage game in consecutive rounds of
backward induction (or iterations of the stationary solve) differs only through the
continuation values, so its principal branch is close to the last one's. The engine keeps,
for each row of its ``B x S`` batch (a batch member's state, so a game's source is the same
solved alone or in a batch), the accepted points of that row's last *cold* trace (at most
``RECORD`` = 256; :class:`sim.stochastic.stage.WarmSources`), and traces the row's next game
warm (:meth:`LogitTracer.warm`, :func:`sim.stochastic.logit_kernel.warm`): each step goes
to every ``WARM_STRIDE`` = 3rd source point (and the last), its predictor the source's
secant from the source point the last accepted point followed, carried to that point (wave
8; see below), corrected in the hyperplane through the predictor orthogonal to the secant
(pseudo-arclength corrections with the source as the predictor: Allgower and Georg 2003,
ch. 2; turning points are followed), one Newton correction and then chord ones to
``NEWTON_TOL``. A step is accepted when its first correction is at most ``WARM_DISTANCE`` =
2 nominal distances (the cold control accepts 4), its contraction at most one nominal
contraction (the cold control accepts 4) and its tangent turns from the last accepted one
by less than ``2 WARM_STRIDE`` nominal angles (the cold control's acceptance for each of the
three source steps it spans; Allgower and Georg 2003, sec. 6.1). The stopping rule is
unchanged (the first accepted point with regret at most ``stop_regret``); past the source's
last point the cold control continues (the step the last secant); the polish,
:func:`exact_ties`, the verification and the reference re-trace of unverified games are as
before. At the first failed check the game is traced cold from ``lambda = 0`` (the same
floats as without a source), and its cold trace becomes the row's new source; a warm trace
that holds keeps the old source (a warm trace visits a third of its source's points, so
chaining warm traces would thin the source every round). Traces are shared (within a batch
and through :class:`sim.stochastic.stage.TraceCache`) only between games whose normalised
payoffs *and* warm sources (a 256-bit SHA-256 digest of the points) are the same bytes, and
the cache keeps the source each trace leaves, so no answer depends on which row came first.

Measured 2026-12-01 on the shared 2-core machine (load average 3.6-6.3, so CPU times are
noisy; the Jacobian counts are not). An analysis chunk (the 16 supported calibrations of
``benchmarks/bench_answers_side.py``, 24 rounds, 1,312 stage games a round): every round's
traced games traced cold and warm alternately, 6,376 with a source, the warm trace held on
only 36% (the calibrations' per-round parameters and shocks move the games more than the
benchmark's), 1.26x fewer Jacobians, the tracer 1.14x less CPU; the whole ``solve_chunk``
with and without warm sources alternating in one process 0.93x to 1.25x (noise: load 3), old
and new trees alternating (``bench_answers_side.py --split``, load 3.0) 361 against 346 CPU
ms a calibration (medians of 3: 1.04x). (A first measurement on calibrations mapped to
rounds twice, harder games, gave 66% held, the tracer 1.39x, ``solve_chunk`` 1.36x: not the
analysis's games.) The chunk's answers equal to the last bits (at most 5.3e-13 apart). The
benchmark (``benchmarks/bench_engine.py``), whose first rounds after the terminal round move
the continuation values by up to 15% of a game's spread a round: the warm trace held on 22%,
30%, 45%, 54%, 61%, 64% and 64% of the traced games of the 2nd to 8th round solved; where it
held about 26 Jacobians a game against 131 cold, where it failed about 9 wasted (the failed
check nearly always the first correction, at small ``lambda``, 3-11); ``--warm 6`` (the 7th
round): held on 70%, the tracer 0.914 against 0.639 ms a game (medians of 3, load 3.7:
1.43x); ``--alternate`` on 8 rounds, medians of 2 at load 4.8: a round after the first 1.73
s old, 1.45 s new (1.19x); on 10 rounds at load 3.4-4.2: the first 4.03 s and 3.93 s (1.03x,
no sources yet), a later one 1.63 s and 1.33 s (1.22x), held on 66-68% of the 9th and 10th
rounds' games (the pass rate grows with the rounds, so the 192-round benchmark should gain
more; not run). On the quiet machine (load 0.7-1.0, 8 rounds, medians of 2): a later round
1.83 s old, 1.12 s new (1.63x), the tracer about 1.6-1.8 s against 0.7-0.9 s a round from
the 5th; the first round 3.44 s and 4.25 s (0.81x: no sources yet, and recording up to 256
points a game costs about 0.2 s for 4,000 games, page faults of the buffer, since cut to
0.056 s of system time by :func:`point_buffer`'s memory maps); the cold tracer alone
(``--alternate --tracer``) 0.552 against 0.467 ms a game (1.18x, the corrector and the
turn as functions of their own). Random games ``G`` and
``G + eps noise`` (300 each of 4 players x 3 actions and 3 x 2 x 3, eps 1e-6 to 1e-1): held
on 97% to 0% as eps grows, the Jacobians 229 -> 50 a game at eps 1e-6, no support changes,
no limit moved by more than 1.5e-14. The selections: ``answer()`` on the nine shipped
scenarios at the analysis grid (546,090 stage strategies of the four rules' and the myopic
solves) and the benchmark's first 8 rounds solved (4 before and 4 after the shock, 85,192),
old tracer against warm: no support changes, no strategy moves by more than 6.1e-13 (the
polish makes an isolated limit exact; single-mixer continua go through :func:`exact_ties`).
``logit_limits`` alone on the benchmark's later rounds moves the stop point of continua
(single-mixer games whose others :func:`exact_ties` cannot certify strict, three-mixer ones;
10-140 games a round) by at most 2e-5, supports unchanged. ``tests/test_qre_warm.py`` checks
known games, perturbed random games, the cold fallback and that a batch equals its games
alone. What did not hold: visiting every source point (stride 1) costs a Jacobian and 1.5
chord corrections a point, the kernel only 1.2-1.3x faster where it held; chaining warm
traces (each one the next source) with stride 3 lost a third of the passes by the analysis
chunk's last rounds; continuing cold from the last accepted warm point instead of restarting
passed more games (73%) but, with the cold control's own acceptance bounds (4 nominal
distances and contractions), changed one support on the analysis chunk, so neither is used.

**The warm predictor carries the offset** (wave 8, 2026-12-01). Where a game moved, its
branch runs beside the source's, and with the source points themselves as predictors
every warm step had to correct the whole offset again: on an analysis chunk the failed
warm traces failed at the second step tried (lambda about 0.7), 94% of them on the first
correction's distance. The predictor of a warm step to source point ``p`` is now
``z0 + (src[p] - src[q])``: the source's secant carried to the last accepted point ``z0``,
which followed source point ``q`` (the first step's is ``src[p]`` as before: every
branch starts at the uniform profile). The checks are unchanged, so the branch is as
safe as before: a warm trace still holds only if every step passes them. Measured (the
Jacobian and correction counts are deterministic, CPU times noisy on the shared machine):
on an analysis chunk (16 calibrations of the baseline, 24 rounds,
:func:`sim.calibrate.solving.solve_chunk`) the warm trace held on 45% of the games with a
source instead of 36%, 117.6 Jacobians and 207 corrections a traced game instead of 127.1
and 219 (about 6.5% less work, a Jacobian costing about three residuals); on the
benchmark's 8 rounds after the shock 57% instead of 47%, 92.5 and 158 instead of 99.0 and
168 (6%); on 300 random 4-player, 3-action games moved by 1e-2 (1e-1) of their scale 64%
(10%) instead of 42% (1%). CPU, on the shared machine (load average 1.6-2.4; the same
runs vary by up to 25%): the old and new kernels alternating in one process on the
analysis chunk, medians of 4, 0.357 against 0.342 s a calibration (1.05x), its tracer 4.27
against 4.05 s (1.05x); the tracer alone on that chunk's traced games with their recorded
sources (fresh processes alternating, medians of 3) 0.628 against 0.491 ms a game, on six
benchmark rounds' 0.549 against 0.505; ``bench_engine.py --alternate --after 6``, medians
of 2, a round after the first 1.62 against 1.34 s and the first round (the same code in
both) 4.64 against 4.99 s: about the 6% the work counts say, within the noise. The
selections: ``answer()`` on the nine scenarios at
the analysis grid (546,090 stage strategies, the four rules and the myopic solve) no
support change, no strategy moved by more than 5.1e-12; the benchmark's 8 rounds after the
shock (85,192) no support change, 134 strategies of continua (103 single-mixer, 9
two-mixer, 22 three-mixer) moved, by at most 1.5e-5 (their stop points); the analysis
chunk's strategies no support change, at most 6.3e-13 (its outcomes 1.4e-16, ambiguity
values 7.8e-14); 3,000 perturbed random games (300 of 4 x 3^4 and of 3 x 2 x 3 at each
eps 1e-5, ..., 1e-1) warm against cold no support change, at most 5.6e-15. On all 320
supported calibrations of the default analysis, though, ten moved (by up to 0.045 in a
probability of the answers): stage games whose equilibria form a continuum through a pure
profile, where the trace stopped at another point of it; :func:`pure_nearby` now takes the
pure profile there, and with it three still move, by at most 0.005 (continua through a
mixed profile; docs/performance.md, wave 8).

Where a cold trace's steps go (the benchmark's traced games of three rounds after the
shock, 7,677 traces of 61.9 accepted steps; an analysis chunk's first 1,025, 79.9): lambda
below 10, 7.2 (9.5) steps; 10-100, 31.1 (28.8); 100-1,000, 16.5 (28.6); above 1,000,
7.1 (13.1), the stretch an early polish could cut (stopping at a looser regret before the
polish gained at most 6%, above). What did not hold (wave 8, measured on the same chunk and
rounds, the source as the engine keeps it): retrying a failed three-point warm step one
source point at a time (the cold control's bounds for one step) made 61% (benchmark: 71%)
of the warm traces hold, but the ones that still failed failed late, after about 24 wasted
Jacobians, and the work was only 1.5% less than with the old predictor (the carried one
alone: 6-6.5%); continuing a
failed warm trace cold from its last accepted point (the fallback measured in wave 7) cut
the analysis chunk's Jacobians to 100 a game but changed ten supports of the nine
scenarios' ``answer()`` (``israeli_escalation``, ``lebanon_deal``, ``november_2024``; moves
up to 1), so a failed check is taken to say the trace may have left the branch before it
and the game is traced again from ``lambda = 0``; keeping the source a resumed trace
followed instead of its own record cost more (144 Jacobians a game); a stride of 2 or 4
instead of 3 changed the work by under 1%.

**Single-mixer tie games.** Where one player mixes over payoff ties and the others play
pure actions the equilibria form a continuum, and the polish alone would keep the
mixer's traced probabilities: where the trace stopped (about 1e-6, at most 2e-5 or 3e-3
in one article game, from the branch's limit). The answer there is instead the branch's
exact limit, the mixer uniform over its tied best responses, wherever the others are
certified strict near the traced point (:func:`exact_ties`, with the argument), so it
does not depend on the trace's floating-point path. Where iterated strict dominance
already leaves such a game (the others one action each, the mixer's survivors tied),
the engine answers it without a trace
(:func:`sim.stochastic.dominance.tied_single_mixer`).

**Limits on a continuum** (wave 11, 2026-12-02). The other continua (through a mixed
profile: two or three mixers, or a single mixer whose opponents are not certified strict)
are not resolved; :func:`continuum` flags them instead (the engine's
``Solution.continuum``): a mixed selected profile whose support system's Jacobian is
singular, its smallest singular value at most :data:`CONTINUUM_RATIO` = 1e-8 times its
largest (:func:`support_ratio`). The tolerance sits in a gap measured on the benchmark's
first rounds after the shock (2,574 mixed profiles: 1,662 at ratios below 1e-16, most
exactly 0, the rest at least 1e-3), 1,200 random games (at least 5.7e-3), the nine
scenarios' ``answer()`` (at least 0.1) and an analysis chunk of 64 calibrations (13,728
mixed profiles, at least 2.7e-5). The flag changes no selection; its cost is about
0.5-2% of a solve (docs/engine.md, "Limits on a continuum").

**The cost of a step, and what did not lower it** (wave 12, 2026-12-02; a negative result,
nothing of it is in the code). In a numba loop on one traced 4-player, 3-action stage game
of the benchmark (medians of 5-7, the shared machine at load 1.5-5, so +-20%): a Newton
correction's :func:`~sim.stochastic.logit_kernel._system` 1.8-2.2 us (the payoffs and
their pair derivatives, ``_values4``, 0.9-1.2 us; the 12 ``exp`` 0.12 us; the Jacobian's
assembly about 0.5 us), its ``_augmented`` (copy, 13 x 13 LU with partial pivoting,
back-substitution) 1.3-1.6 us, a chord correction's residual 0.72 us and ``_resolve``
0.39-0.46 us; a step (two Newton corrections, about one chord one, the tangent's resolve)
about 7 us. Candidates measured:

- *Block elimination* (each player's sum-to-one row involves only that player's
  unknowns, so it eliminates the unknown of the player's most probable action, a divisor
  at least ``1 / m``, and a 9 x 9 LU with partial pivoting is left of the 13 x 13):
  ``_augmented`` 1.0-1.4 against 1.3-1.6 us, ``_resolve`` 0.38-0.57 against 0.41-0.46 us
  (three runs of the same loop, old and new alternating; the reduction
  and the recovery cost what the smaller LU saves: a random 13 x 13 LU takes 1.6 us, a
  9 x 9 one 0.55-0.8 us, the reduction alone 0.5 us); the tracer on the 4,069 traced games
  of a round after the shock (fresh processes, old and new alternating, medians of 4, load
  4.7-5.0) 0.680 against 0.667 ms a game (0.98x). It changes the floats in the last bits
  (the same steps on every game, 189.0 corrections a game either way, no support change,
  probabilities within 1.8e-8 at the stop): not kept (branch ``tracer16-block``).
- *Lockstep lanes* (four games in one loop, the game index innermost, each game's
  arithmetic unchanged): ``_values4`` over four games bit for bit the same, 0.75-1.0
  against 0.89-1.29 us a game (1.04-1.28x in four runs), and only from the
  interleaving: numba's LLVM left the lane loop scalar (no packed multiplies or adds in
  its assembly, with the lanes as the last axis or as separate views), so the
  evaluation, about 40% of a step, would gain about 20% and a step under 10%, before the
  per-lane control flow (rejections, chord corrections, refills) a lockstep tracer
  needs. Real SIMD would need explicit vector code (LLVM intrinsics or a C extension),
  not tried.
- *Staged contraction* of the payoffs (each player's tensor contracted one opponent at a
  time, about half the multiplications): 2.56 against 0.86 us (3x slower: generic loops
  of trip count 3), so not pursued; a flattened index for the pair derivatives 1.18
  against 0.90 us and their partial sums in registers 0.93 against 0.90 us (as in wave 6).
- *Outside the kernel*: in an analysis solve (``bench_solve_split.py --n 8 --repeats 1``,
  load 5.7) the kernel 425 of 704 CPU ms a calibration, the polish 58, the exact checks
  60, the rest of ``logit_limits`` (ties, pure neighbours, regrets) 57: halving any of
  them is under 5% of a solve.

**Newton's estimate ends a step** (wave 14, 2026-12-02). Profiled on the 16,901 traced
games of an analysis chunk (16 supported calibrations of the baseline, 24 rounds,
``benchmarks/bench_solve_split.py``'s, every ``logit_limits`` call captured and replayed):
13,199 traced warm and held (26.3 steps, 79.2 corrections, 28.9 Jacobians a game), 2,750
whose warm trace failed (80.2 steps, 172 Jacobians, the cold trace included) and 952
without a source (127 steps, 265 Jacobians): the cold traces are two thirds of the
Jacobians. Of their accepted steps the tangent turn bounds 88% (its ratio to
``NOMINAL_ANGLE`` 0.97 on average there, so the control already spends its turn budget),
the growth cap 11.5% (43% below lambda 10, 18% at 1e3-1e6), the distance and the
contraction 0.5% each; the first correction is 1.5e-3 at the median (the nominal 0.02), the
contraction 1.4e-3 (0.2), the second correction 2e-6. Newton's corrections that contract
that fast are in their quadratic regime, where the next would be about ``rate^2`` times the
last (Deuflhard, *Newton Methods for Nonlinear Problems*, 2004, sec. 2.1): that estimate
puts 91% of the steps within ``NEWTON_TOL`` after their two Newton corrections, so the
chord correction that followed only confirmed it. The corrector
(:func:`sim.stochastic.logit_kernel._correct`) now stops there (after two Newton
corrections in a row; the reference control's Newton-throughout trace is untouched: it does
not estimate). The control reads the same first correction, contraction and tangent (from
the same factors), so the steps and the Jacobians are those of before (40.8 and 65.5 a
game) and only the corrections drop, 129.3 -> 111.5 a game (cold ones 395 -> 288). One
thing had to follow: the payoffs are then last evaluated before the last correction, whose
point's regret is often far below the accepted one's (near the stop 5e-4 times it at the
median, often exactly 0), and stopping on it stopped traces early, unverified, re-traced by
the reference control (steps 40.8 -> 50.6 a game): a step that stopped on the estimate
re-evaluates the payoffs at its point when that regret is at most ``RECHECK`` = 100 times
the stopping regret (4-6% of the steps; of 374,000 steps none had a regret below the stop
at the point and above 100 times it before the last correction). The stopping rule then
reads the point that the chord correction's residual used to be evaluated at, the same
floats. Measured: ``bench_solve_split.py --n 16 --repeats 2``, main and this tree
alternating, four pairs, load 1.0-1.9: the kernel 198.5 against 183.4 CPU ms a calibration
(medians; pair ratios 1.04-1.11, median 1.08x), a solve 262.0 against 245.8 (1.07x). The
answers: the chunk's strategies within 7.3e-11, its values 4.4e-10, its answers 1.8e-13
(horizons and continuum flags the same bytes), no support above 1e-20 moved (what moved are
the polish's 1e-31 roundings outside the support), three stage games' path ``traced`` ->
``shared`` (their warm sources' digests now coincide with another row's; the same
strategies). ``answer()`` on the nine shipped scenarios at their resolution (the QRE rule,
every round's and state's selected strategy, main against this tree): no support (above
1e-12) moved; eight scenarios within 2.6e-8, their headlines within 2.2e-16;
``lebanon_deal`` moved 111 of its 191,688 round-states by more than 1e-6, two of them
flagged continua (by up to 0.0044: where the trace stopped on them), the rest through their
continuation values (up to 2.6e-4), its headline numbers by at most 6.7e-10, and three
single-mixer stage games' exact certification flipped (``traced`` <-> ``uncertified``) on
strategies 1e-14 apart.

What did not hold (measured on the same replay, all with this change): a looser
``NEWTON_TOL`` of 1e-7 (steps 43.6, Jacobians 73.8 a game: warm traces ran longer, 30.3
steps and 40.7 Jacobians instead of 26.3 and 28.9, the kernel no faster); ``MAX_GROWTH`` 4
(Jacobians -2%, and one game's limit moved by 0.23); ``FIRST_STEP`` 0.4 (-1.3%, a limit
moved by 2.9e-4); extrapolating the warm predictor's carried offset linearly along the
source (the offset grows from 0 at the origin, and most failed warm steps fail on the
first correction's distance, 2,213 of 2,750, at 1.33 times the bound at the median,
lambda 6.8): with the whole trend fewer warm traces held (12,335 instead of 13,199), with
half of it or on the second step only 2-3% more held and 1-2.4% fewer Jacobians, not worth
a change of what holds. Fewer Jacobians a cold step would change what the control reads:
a chord second correction measures about the same contraction, but the tangent from the
predicted point's factors is the variant of wave 6 that left the branch on the scenarios,
and the previous step's factors for the first correction would measure a contraction of
the order of the step, not of the first correction.

**The branch's orientation** (wave 15, 2026-12-02). Along a smooth solution curve of
``H(z) = 0`` (``H`` the logit system, of full rank ``M``) the sign of ``det [H'(z); t]``,
``t`` the tangent oriented along the direction of travel, is constant; across a simple
bifurcation point it changes (Allgower and Georg 2003, sec. 2.1-2.2 and 8.1). The kernel
reads that sign from the LU factors a step already has (:func:`sim.stochastic.
logit_kernel._orientation`: the factored matrix is ``[H'; row]`` with ``row . t > 0``, so
its determinant has the sign of ``det [H'; t]``), once at ``lambda = 0``
(:func:`~sim.stochastic.logit_kernel.start`) and at every step: a cold step that reverses
it is rejected (the step halves) and a warm step fails the warm trace (the game is traced
cold). Where two pieces of the logit correspondence pass close to each other, near the
bifurcation point of a nearly symmetric game, a step that lands on the other piece shows
the sign reversed, and shorter steps follow the branch around; a reversal that persists
down to ``FLIP_STEP`` (1e-6 times ``1 + lambda``) is a bifurcation point on the branch
itself (an exactly symmetric game's, as the battle of the sexes', whose branch keeps the
symmetry and ends at the mixed equilibrium), crossed straight on with the step that first
reversed it, and the orientation flips with it. Found on the 192-round engine benchmark:
its solve (warm traces as the engine runs them) and a solve tracing every game cold
disagreed on the support of 48 of its 2,044,608 round-states; pygambit's ``logit_solve``
(Turocy 2005), in each solve's own continuation values at the 85 round-states where any of
four solves disagree, sided against the engine's selection at 36 and against the all-cold
solve's at 24 (the others at most pygambit's own looser stop: 0.998 for a pure action, or
0.498/0.498/0.005 for an exact tie). Those were traces that ended at a mixed equilibrium
(often with a player near 0.45/0.55) where the branch runs to a pure one; a warm trace
following a source whose branch had bent the other way kept the old limit for up to six
rounds (state 6414, ``tests/test_qre_orientation.py``). The same stepping-over happens in
textbook games: the two-player coordination game ``[[1 + delta, 0], [0, 1]]`` ended at its
mixed equilibrium for ``delta`` from 1e-3 down, the three-player one at every ``delta``
from 1e-2 (the limit is the larger payoff's pure equilibrium, risk-dominant for two
players: McKelvey and Palfrey 1995, sec. 4; pygambit agrees). With the check the warm and
all-cold solves agree on every support of the 192 rounds (strategies within 6.9e-5,
continua's stop points) and match pygambit at all 85 round-states up to its looser stop;
the benchmark's Jacobians 20.32 -> 20.21 million (fewer: the jumps had led to longer
traces). On 300 random 4-player, 3-action games and 300 of 3 x 2 x 3 the limits are the
same bits where nothing jumped, and a nominal turn of 0.15 or 0.2 (which without the check
left the branch on 6 and 5 of the 300 and 1 of the 300) reaches the same limits as 0.05 on
all 600 (``tests/test_stochastic_oracles.py`` keeps five of them).

**A looser turn, kept by the orientation** (wave 15). The jumps a looser step control made
(*Why the control was not looser* above) were the ones the orientation check rejects, so
the nominal turn ``NOMINAL_ANGLE`` is now 0.1 instead of 0.05 (the warm trace's bound, a
multiple of it, with it). Measured against the control of 0.05 with the check: 600 random
games (300 of 4 x 3^4, 300 of 3 x 2 x 3) no support change, limits within 6.4e-15,
Jacobians 230.6 -> 142.1 and 138.7 -> 88.1 a game; the nine scenarios' QRE solves at their
resolution no support change, strategies within 1.6e-14, values 8.9e-14; an analysis chunk
(``bench_solve_split.py --n 16 --dump``/``--compare``) no support above 1e-20 moved, 118 of
377,856 strategy entries by more than 1e-9 and 6 by more than 1e-6 (at most 2.7e-4:
continua's stop points), its answers within 1.1e-6 (horizons the same bits); the
192-round engine benchmark against the all-cold solve at 0.05 no support change of its
2,044,608 round-states (strategies up to 0.23 apart on continua, values 0.18), Jacobians
20.21 -> 13.76 million, the instrumented solve 89.7 -> 78.4 CPU s (one run each, load 3).
A nominal turn of 0.15 changed one support of the benchmark (round 65, state 6903) for
12.08 million Jacobians, so 0.1 it is. The reference control (the Newton-throughout re-trace
of a game the chord trace left unverified) keeps 0.05 (``REFERENCE_ANGLE``): at 0.1 it
verified fewer of them, and on a 48-round solve of the benchmark game (the shock at round
24) 293 stage games fell back to ``sim.equilibria.solve`` (path ``fallback``, not the QRE
selection) against 96 with both at 0.05; with the reference at 0.05, 94, and no support
changed against both at 0.05 (596 of 511,152 round-states moved by more than 1e-6, at most
0.23: continua).

**The warm step's margins** (wave 16, tried and reverted). A warm step is held to half
the cold control's distance (``WARM_DISTANCE`` 2) and a quarter of its contraction
(``WARM_CONTRACTION`` 1). Holding it to the cold control's own bounds (4 and 4), on the
argument that the orientation check now rejects a step onto a nearby piece of the
correspondence, passed every check the earlier changes had passed: on the engine
benchmark's 192 rounds 323,962 warm traces held instead of 303,212, the Jacobians 13.99 ->
12.72 million (0.91x), no support changed against the solve before or the all-cold one;
the nine scenarios within 1.6e-14; a 16-calibration analysis chunk's answers within
7.1e-15; ``bench_engine.py``'s 192 rounds about 0.96x. It was landed, and the default
analysis re-run with it showed what those checks missed: 33 of the 5,138 calibrations the
runs before and after shared had moved by more than 1e-9 (one's hedging horizon by 0.20),
only 4 of them flagged as on a continuum. Solved alone, warm as the engine solves and with
every warm source withheld (all cold), the 33 calibrations' stage strategies disagreed
with the all-cold solve on supports in 22 calibrations with the bounds of 4 (pure actions
switched), against 7 with 2 and 1: warm traces reaching another equilibrium than the cold
trace of the same game, by steps the orientation check does not catch (the sign is the
same on both pieces). So the margins stay. The 7 calibrations where the margins of 2 and 1
also disagree with the all-cold solve are an open question (docs/performance.md, wave 16).

**The polish by LU** (wave 16). The polish's Newton steps were all least-squares steps by
the pseudo-inverse (an SVD of each 12 x 12 Jacobian, about 16 us; some 60% of the
polish). Where the Jacobian's 1-norm condition number is at most ``POLISH_CONDITION`` =
1e3 the step is now solved by LU with partial pivoting (the tracer's own elimination,
:func:`sim.stochastic.logit_kernel.lu_steps`, with the condition number computed exactly
from the factors); a singular or nearly singular Jacobian (a limit on a continuum, where
the least-norm step picks the point) keeps the pseudo-inverse. Measured: the polish of
``bench_solve_split.py --engine 8`` 44.8 and 42.6 -> 35.1 and 31.9 CPU ms a round (two
pairs alternating in fresh processes, load 1.0-1.4), the round 658.4 and 629.1 -> 624.7
and 610.9; of an analysis chunk (``--n 16``, one run each) 16.6 -> 9.3 ms a calibration.
The selections: the 192-round engine benchmark's strategies and values the same bits;
600 random games' limits within 9.0e-29; ``answer()`` on the nine scenarios at their
resolution (every rule and the myopic solve) within 5.1e-29; an analysis chunk's
strategies within 4.3e-19, its answers 6.7e-30, no path label changed. (A first version
in wave 15, with an elimination of its own, moved ``answer()``'s strategies on continua
by up to 8.4e-9 and was not kept.)

**The end of the re-trace** (wave 16). On a 48-round solve of the benchmark game
(``build(11, 8, 48, shock_round=24)``, ``robust=False, certify=False``) the reference
re-trace took 712 stage games (665 with the warm step's looser margins, reverted) and left
94 unverified, answered by the first equilibrium of ``sim.equilibria.solve`` (path
``fallback``, not the QRE selection). Each of the 94 traced points had a regret of at most
1.0e-11 of the spread against a bound of 1e-7: the branch had reached its limit, and only
the polish failed (its Newton steps left the simplex on a singular support system). In 66
the limit's support holds a probability below ``SUPPORT_FLOOR``: the patron's 9.8e-5 down to
2.8e-7 on one action keeps the hedger indifferent while the hedger's mix (12/35, 2/5, 4/15,
...) keeps the patron indifferent, a regular equilibrium (:func:`support_ratio` 0.4 to 1)
that the support of 1e-4 misses at every stop (62 of the 66 ended at ``LAMBDA_MAX``). On the
branch ``log(sigma_j / sigma_k) = lambda (U_j - U_k)``, so an action whose gap to the best
stays ``g`` has probability at most ``exp(-lambda g)``: at ``LAMBDA_MAX`` an action still
played is a best response to within 745 / 1e12 of the spread, and a trace that ends there
unverified is now polished again with all of them in the support (``END_FLOOR``). In the
other 28 (and the last 4 of the 66) the kernel's regret read exactly 0 at lambda 5e8 to
1.3e9 (the largest payoff minus the mean, on a point whose probabilities sum to 1 only
within the corrector's tolerance: a true regret of 1e-11 rounds to below 0), where a
hedger's action 0.66e-8 to 1.4e-8 of the spread short of a tie still had 1.2e-4 to 7.2e-4,
and the rule of wave 7 ended the re-trace there (no tighter stop moves such a trace, but a
larger lambda does): it is now traced on to ``LAMBDA_MAX``, where that action's probability
is 0 and the polish gives the strict pure equilibrium. Only games the re-trace left
unverified can change: of the 712, the 618 it verified keep their profiles, lambdas and
steps bit for bit, and all 712 verify; on 1,200 random games (300 each of 4 x 3^4 and 3 x 2
x 3, normal and small-integer payoffs) ``logit_limits`` and the re-trace alone give the same
bits. pygambit's ``logit_solve`` (maxregret 1e-8) ends within 1e-3 of 63 of the 94 new
limits; at the 28 near ties it stops with the hedger at 1/2, 1/2 (its stop above the tie's
gap; at maxregret 1e-10 and 1e-11 it moves to 7e-3 and 7e-4 on that action, toward the pure
limit), and the last three reach the new limits at a tighter maxregret (within 2.4e-5, 2e-10
and 5e-4, the last stalled on an action 2e-7 of the spread short of a tie). The fallback had
given the same point at 85 (within 1.3e-15) and another, pure equilibrium at 9 (states 3824
and 4792 in rounds 25, 29, 35 and 39, state 1800 in round 28), where pygambit is within
6.5e-6 of the traced limit. The solve: fallbacks 94 -> 0 (88 ``traced``, 6 ``shared``); 150
of 511,152 round-states changed support, the 9 and 141 in earlier rounds whose stage games
changed with the continuation values (values moved by up to 4.3; 20 of them sampled: each
solve's selection within 4.2e-4 of pygambit's on its own game), none whose stage game is the
same bits. The re-trace on the 712 games 60,223 -> 60,552 steps, 0.495 -> 0.501 CPU s
(medians of 3, alternating; in the solve 0.65-0.69 -> 0.68-0.74 s, and the 94 fallback
solves it replaces cost 0.08 s); the same after the polish by LU above.
``tests/test_qre_end.py``. """

from __future__ import annotations

import functools
import mmap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from sim.errors import EngineError
from sim.game import MixedProfile, NormalFormGame
from sim.stochastic.dominance import deviation_cells, pure_is_equilibrium_batch, single_mixers

if TYPE_CHECKING:
    from types import ModuleType


def _kernel() -> ModuleType:
    """The compiled tracer, imported on first use: numba (and the SciPy it loads) stays
    out of every process that never traces a game."""
    from sim.stochastic import logit_kernel

    return logit_kernel

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

#: The largest precision traced (in units of the inverse payoff spread).
LAMBDA_MAX = 1e12
#: The trace stops at the first point whose largest regret is at most this (times the spread).
STOP_REGRET = 1e-8
#: Actions with at least this probability at the stopping point form the polished support.
SUPPORT_FLOOR = 1e-4
#: A trace that ends at ``LAMBDA_MAX`` unverified is polished again on the actions played
#: with at least this probability: every action with a positive one (see *The end of the
#: re-trace* in the module docstring).
END_FLOOR = float(np.nextafter(0.0, 1.0))
#: The polished equilibrium must lie this close (max abs difference) to the traced point.
POLISH_DISTANCE = 1e-3
#: First step (arclength) and the fewest steps before giving up on a game.
FIRST_STEP = 0.1
MIN_STEP = 1e-12
#: A step that reverses the branch's orientation is halved until it is this short (times
#: ``1 + lambda``); one that still reverses it then crosses a bifurcation point of the
#: branch itself.
FLIP_STEP = 1e-6
#: The most corrections of one step (Newton corrections, then chord ones).
MAX_NEWTON = 8
#: A step's corrector stops when its estimated error is below this.
NEWTON_TOL = 1e-9
#: Nominal first Newton correction (max norm), contraction rate and tangent turn (radians)
#: of a step; a step exceeding one of them by the factor 2 (squared for the first two) is
#: rejected, and the next step is scaled by how far below or above them this one was.
NOMINAL_DISTANCE = 0.02
NOMINAL_CONTRACTION = 0.2
NOMINAL_ANGLE = 0.1
#: The reference control's nominal turn (the tracer's before wave 15; see *A looser turn*).
REFERENCE_ANGLE = 0.05
MAX_GROWTH = 2.0
#: Corrections of a step that evaluate and factor the Jacobian before the chord ones.
NEWTON_STEPS = 2
#: Newton corrections at most, of the reference control (every one with its Jacobian).
REFERENCE_NEWTON = 6
#: A chord correction contracting less than this (its size over the last) refreshes it.
CHORD_RATE = 0.25
#: A bound on the steps of one game's trace.
MAX_STEPS = 20_000
#: The most accepted points of a trace kept as the next round's warm source (a longer trace
#: leaves none: its game is traced cold next time).
RECORD = 256
#: The warm trace (:meth:`LogitTracer.warm`) visits every ``WARM_STRIDE``-th point of its
#: source (and its last); its first correction may be at most ``WARM_DISTANCE`` times
#: ``NOMINAL_DISTANCE``, its contraction ``WARM_CONTRACTION`` times ``NOMINAL_CONTRACTION``,
#: its tangent turn ``2 WARM_STRIDE`` times ``NOMINAL_ANGLE`` (the cold control's bound for
#: each of the source's steps it spans). Not the cold control's own distance and
#: contraction bounds (4 and 4): see *The warm step's margins* in the module docstring.
WARM_STRIDE = 3
WARM_DISTANCE = 2.0
WARM_CONTRACTION = 1.0
#: A batch of at least this many games is traced by kernels compiled for its shape (every
#: size a compile-time constant: :func:`sim.stochastic.logit_kernel.kernels`, the same
#: floats), a smaller one by the kernels for any shape: a shape's own kernels take about
#: 6 s to compile (once per machine, then numba's on-disk cache), which a small batch
#: never pays back.
SPECIALISE = 256


@dataclass(frozen=True)
class _Layout:
    """Where each player's actions sit in the flat vector of all actions."""

    shape: tuple[int, ...]
    offsets: tuple[int, ...] = field(init=False)
    size: int = field(init=False)

    def __post_init__(self) -> None:
        offsets, total = [], 0
        for m in self.shape:
            offsets.append(total)
            total += m
        object.__setattr__(self, "offsets", tuple(offsets))
        object.__setattr__(self, "size", total)

    @property
    def n(self) -> int:
        return len(self.shape)

    def block(self, i: int) -> slice:
        return slice(self.offsets[i], self.offsets[i] + self.shape[i])

    def split(self, flat: FloatArray) -> list[FloatArray]:
        return [flat[:, self.block(i)] for i in range(self.n)]


@dataclass(frozen=True)
class _Contraction:
    """One step of a plan: contract axis ``pos`` of buffer ``source`` (whose axes belong to
    ``players``, viewed as ``(N, before, m, after)``) with that player's strategy."""

    source: int
    before: int
    size: int
    after: int
    player: int
    target: int


@functools.cache
def _plan(shape: tuple[int, ...]) -> tuple[list[_Contraction], dict[tuple[int, int], int], int]:
    """How to get every ``D[(i, k)]`` from the payoffs by single-axis contractions that
    share their common parts: for each player ``i``, a leave-one-out recursion over the
    other players (contract one half, recurse on the other), ``O(n log n)`` contractions
    instead of ``n - 2`` per pair. Buffer ``i < n`` is player ``i``'s payoffs."""
    n = len(shape)
    steps: list[_Contraction] = []
    pairs: dict[tuple[int, int], int] = {}
    buffers = n

    def contract(buf: int, players: list[int], drop: list[int]) -> tuple[int, list[int]]:
        nonlocal buffers
        for k in sorted(drop, key=players.index, reverse=True):
            pos = players.index(k)
            dims = [shape[p] for p in players]
            before = int(np.prod(dims[:pos], dtype=np.int64))
            after = int(np.prod(dims[pos + 1 :], dtype=np.int64))
            steps.append(_Contraction(buf, before, dims[pos], after, k, buffers))
            buf, buffers = buffers, buffers + 1
            players = players[:pos] + players[pos + 1 :]
        return buf, players

    def leave_one_out(i: int, buf: int, players: list[int], remove: list[int]) -> None:
        if len(remove) == 1:
            pairs[(i, remove[0])] = buf
            return
        half = len(remove) // 2
        for keep, drop in ((remove[:half], remove[half:]), (remove[half:], remove[:half])):
            sub, rest = contract(buf, players, drop)
            leave_one_out(i, sub, rest, keep)

    if n >= 2:
        for i in range(n):
            leave_one_out(i, i, list(range(n)), [k for k in range(n) if k != i])
    return steps, pairs, buffers


def _u_pair(i: int) -> tuple[int, int]:
    """The pair derivative player ``i``'s expected payoffs ``U_i`` are read from."""
    return (i, 1 if i == 0 else 0)


@functools.cache
def _u_plan(shape: tuple[int, ...]) -> tuple[_Contraction, ...]:
    """The steps of :func:`_plan` that the pairs ``U`` is read from need (in their order):
    for 4 players of 3 actions 8 of its 20 contractions. Each is the same step on the same
    buffer, so ``U`` is the same floats as through the whole plan."""
    steps, pairs, _ = _plan(shape)
    need = {pairs[_u_pair(i)] for i in range(len(shape))} if len(shape) >= 2 else set()
    kept = []
    for st in reversed(steps):
        if st.target in need:
            kept.append(st)
            need.add(st.source)
    return tuple(reversed(kept))


class _Evaluator:
    """Expected payoffs and their derivatives for a batch of games of one shape."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.layout = _Layout(shape)
        self.steps, self.pairs, self.buffers = _plan(shape)

    def values(self, games: FloatArray, sigma: list[FloatArray], derivatives: bool = True
               ) -> tuple[FloatArray, dict[tuple[int, int], FloatArray]]:  # fmt: skip
        """``U`` ``(N, M)`` and ``D[(i, k)]`` ``(N, m_i, m_k)``: player ``i``'s expected
        payoff of its action ``j`` when ``k`` plays ``l`` and the rest play ``sigma``.
        ``derivatives=False``: only the contractions ``U`` is read from
        (:func:`_u_plan`; the same ``U``, bit for bit) and only those pairs returned."""
        lay = self.layout
        n = lay.n
        count = games.shape[0]
        u = np.empty((count, lay.size))
        pairs: dict[tuple[int, int], FloatArray] = {}
        if n == 1:
            u[:, lay.block(0)] = games[:, 0]
            return u, pairs
        buf: list[FloatArray] = [games[:, i].reshape(count, -1) for i in range(n)]
        buf += [games[:, 0, :0]] * (self.buffers - n)
        wanted = self.pairs if derivatives else {
            _u_pair(i): self.pairs[_u_pair(i)] for i in range(n)}  # fmt: skip
        for st in self.steps if derivatives else _u_plan(lay.shape):
            src = buf[st.source]
            if st.after == 1:
                out = np.matmul(src.reshape(count, st.before, st.size),
                                sigma[st.player][:, :, None])  # fmt: skip
            else:
                out = np.einsum("zakb,zk->zab", src.reshape(count, st.before, st.size, st.after),
                                sigma[st.player])  # fmt: skip
            buf[st.target] = out.reshape(count, -1)
        for (i, k), b in wanted.items():
            d = buf[b].reshape(count, lay.shape[min(i, k)], lay.shape[max(i, k)])
            pairs[(i, k)] = d if i < k else np.swapaxes(d, 1, 2)
        for i in range(n):
            k = _u_pair(i)[1]
            u[:, lay.block(i)] = np.einsum("zjl,zl->zj", pairs[(i, k)], sigma[k])
        return u, pairs

    def regret(self, u: FloatArray, flat: FloatArray) -> FloatArray:
        """Largest regret of each game's profile, from its action values ``u``."""
        lay = self.layout
        out = np.zeros(u.shape[0])
        for i in range(lay.n):
            b = lay.block(i)
            gain = u[:, b].max(axis=1) - np.einsum("zj,zj->z", u[:, b], flat[:, b])
            out = np.maximum(out, gain)
        return out


def normalise(games: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Games mapped to [0, 1] by one affine map each, and each game's spread (0 for a
    constant game, which is left at 0). Float64 games are divided in place of their
    difference (the same two roundings, one array fewer)."""
    flat = games.reshape(games.shape[0], -1)
    low = flat.min(axis=1)
    spread = flat.max(axis=1) - low
    scale = np.where(spread > 0, spread, 1.0)
    each = (-1, *([1] * (games.ndim - 1)))
    out = games - low.reshape(each)
    if out.dtype != np.float64:
        return out / scale.reshape(each), spread
    out /= scale.reshape(each)
    return out, spread


@dataclass
class TraceState:
    """Where each game's trace stands (resumable)."""

    z: FloatArray  # (N, M + 1): log-probabilities and lambda
    tangent: FloatArray  # (N, M + 1)
    step: FloatArray  # (N,)
    steps: IntArray  # (N,) accepted steps
    status: IntArray  # (N,) running, stopped, at LAMBDA_MAX, failed
    regret: FloatArray  # (N,) at z
    work: IntArray  # (N, 3) steps tried, corrections, Jacobians (counters only)
    #: (N,) the branch's orientation at lambda = 0 (+1 or -1; 0: not checked), which every
    #: accepted step keeps (:func:`sim.stochastic.logit_kernel._orientation`)
    orientation: IntArray

    @property
    def failed(self) -> npt.NDArray[np.bool_]:
        return self.status == _kernel().FAILED


def _params(chord: bool = True) -> FloatArray:
    """The kernel's parameters; ``chord=False``: Newton's method throughout (a Jacobian for
    every correction, stopped on the last correction's size), the reference control."""
    steps, most, estimate, angle = ((NEWTON_STEPS, MAX_NEWTON, 1, NOMINAL_ANGLE) if chord
                                    else (REFERENCE_NEWTON, REFERENCE_NEWTON, 0,
                                          REFERENCE_ANGLE))  # fmt: skip
    return np.array([NOMINAL_DISTANCE, NOMINAL_CONTRACTION, angle, MAX_GROWTH,
                     NEWTON_TOL, most, MIN_STEP, MAX_STEPS, steps, CHORD_RATE,
                     estimate, WARM_DISTANCE, WARM_CONTRACTION, WARM_STRIDE, FLIP_STEP],
                    dtype=np.float64)  # fmt: skip


#: A :func:`point_buffer` up to this many bytes is ordinary (reused) memory, not a map.
SMALL_BUFFER = 16 * 1024**2


def point_buffer(count: int, rows: int, width: int) -> FloatArray:
    """``(count, rows, width)`` float64 zeros for ragged points (each game's trace record,
    or the warm sources gathered for the kernel): an anonymous memory map, so only the
    4 KiB pages a game's points are written to become resident, and each is zeroed on its
    first write. ``numpy.empty`` of the same size is advised into 2 MiB transparent huge
    pages (numpy's ``MADV_HUGEPAGE`` on Linux), and games of a few dozen points in rows
    of ``RECORD`` = 256 touch every huge page: the 7,252 traced games of the benchmark's
    first round made their whole record (208 MB) resident and zeroed it, 0.1-0.24 s of
    system time (278 page faults); here about one 4 KiB page a game (measured in the
    commit that added it). Freed with the array (the map is unmapped).

    A buffer of at most :data:`SMALL_BUFFER` bytes is ``numpy.zeros`` instead: the C
    library hands back memory of the same size freed a round before, cleared in one pass,
    where a fresh map faults in each 4 KiB page it writes (in an analysis chunk, 32
    calibrations at the analysis grid, about 500 traced games a round: the sources
    gathered for them cost 10.3 ms a round in a map, 2.2 ms as zeros, medians of 20)."""
    nbytes = count * rows * width * 8
    if nbytes <= SMALL_BUFFER:
        return np.zeros((count, rows, width))
    buf = mmap.mmap(-1, nbytes)
    if hasattr(mmap, "MADV_NOHUGEPAGE"):  # in case the system's THP mode is "always"
        buf.madvise(mmap.MADV_NOHUGEPAGE)
    return np.frombuffer(buf, dtype=np.float64).reshape(count, rows, width)


class Scratch:
    """Point buffers reused from one call to the next: the tracer's record of accepted
    points and the warm sources gathered for the kernel, one buffer per ``slot``, kept by
    the caller across the rounds of a solve (:class:`sim.stochastic.stage.WarmSources`
    holds one).

    A fresh :func:`point_buffer` each round faults in every 4 KiB page a game's points are
    written to (a map's pages are zero-filled by the kernel on first touch); a reused one
    has its pages resident already. Measured on an analysis chunk (16 supported
    calibrations of the baseline, 24 rounds, ``benchmarks/bench_solve_split.py``): 3,680
    minor page faults a calibration, all of them in these two buffers, 33 ms of system
    time of a 617 ms solve (load average 1.8). A reused buffer is not cleared: only the
    points written into it are read back (each game's first ``recorded`` / ``counts``
    rows), so the rest of a row holds whatever an earlier round left there."""

    def __init__(self) -> None:
        self._buffers: dict[str, FloatArray] = {}

    def points(self, slot: str, count: int, rows: int, width: int) -> FloatArray:
        """``(count, rows, width)`` float64, C-contiguous, in ``slot``'s buffer (grown by
        a quarter beyond the need when too small, so rounds of slightly more games do not
        allocate again); its contents are unspecified."""
        need = count * rows * width
        flat = self._buffers.get(slot)
        if flat is None or flat.size < need:
            flat = point_buffer(1, need + need // 4, 1).reshape(-1)
            self._buffers[slot] = flat
        return flat[:need].reshape(count, rows, width)


class LogitTracer:
    """Trace the principal logit branch of a batch of normalised games of one shape; the
    steps run compiled (:mod:`sim.stochastic.logit_kernel`), one game after another, so a
    game's trace never depends on the others of the batch."""

    def __init__(self, games: FloatArray, chord: bool = True, record: int = 0,
                 scratch: Scratch | None = None) -> None:  # fmt: skip
        self.chord = chord
        self.shape = tuple(int(m) for m in games.shape[2:])
        count, n = games.shape[0], games.shape[1]
        self.games = np.ascontiguousarray(games.reshape(count, n, -1), dtype=np.float64)
        lay = _Layout(self.shape)
        self.layout = lay
        self.decode = np.ascontiguousarray(np.indices(self.shape).reshape(n, -1).T,
                                           dtype=np.int64)  # fmt: skip
        self.offsets = np.array(lay.offsets, dtype=np.int64)
        self.sizes = np.array(self.shape, dtype=np.int64)
        self.dims = self.shape if count >= SPECIALISE else None
        z = np.zeros((count, lay.size + 1))
        tangent = np.zeros_like(z)
        orientation = np.zeros(count, dtype=np.int64)
        if count:
            _kernel().start(self.games, self.decode, self.offsets, self.sizes, z, tangent,
                            orientation, dims=self.dims)  # fmt: skip
        self.origin = (z.copy(), tangent.copy())
        #: Each game's accepted points (up to ``record``) and how many it had (in
        #: ``scratch``'s buffer when given: only a game's first ``recorded`` rows are its).
        self.record = (point_buffer(count, record, lay.size + 1) if scratch is None
                       else scratch.points("record", count, record, lay.size + 1))  # fmt: skip
        self.recorded = np.zeros(count, dtype=np.int64)
        self.state = TraceState(
            z=z,
            tangent=tangent,
            step=np.full(count, FIRST_STEP),
            steps=np.zeros(count, dtype=np.int64),
            status=np.zeros(count, dtype=np.int64),
            regret=np.full(count, np.inf),
            work=np.zeros((count, 3), dtype=np.int64),
            orientation=orientation,
        )

    def profiles(self) -> FloatArray:
        """``(N, M)`` the current point's probabilities."""
        return np.exp(self.state.z[:, :-1])

    def run(
        self,
        which: IntArray,
        stop_regret: float = STOP_REGRET,
        targets: FloatArray | None = None,
    ) -> FloatArray | None:
        """Advance games ``which`` until each one's regret is at most ``stop_regret`` or
        its lambda reaches ``LAMBDA_MAX`` (or it fails). With ``targets`` (increasing
        lambdas) instead, until each game has crossed them all, and return the branch's
        probabilities at each, ``(N, len(targets), M)`` (NaN where not reached)."""
        st = self.state
        tgt = np.zeros(0) if targets is None else np.ascontiguousarray(targets, dtype=np.float64)
        points = np.full((self.games.shape[0], max(tgt.size, 1), self.layout.size), np.nan)
        st.status[which] = np.where(st.status[which] == _kernel().FAILED, _kernel().FAILED,
                                    _kernel().RUNNING)  # fmt: skip
        _kernel().trace(
            self.games, self.decode, self.offsets, self.sizes,
            np.ascontiguousarray(which, dtype=np.int64), st.z, st.tangent, st.step, st.steps,
            st.status, st.regret, st.work, st.orientation, float(stop_regret), LAMBDA_MAX,
            tgt, points, _params(self.chord), self.record, self.recorded, dims=self.dims,
        )  # fmt: skip
        return None if targets is None else points

    def warm(self, which: IntArray, source: FloatArray, counts: IntArray,
             stop_regret: float = STOP_REGRET) -> npt.NDArray[np.bool_]:  # fmt: skip
        """Follow games ``which`` (at lambda = 0) through their warm sources ``source``
        ``(N, K, M + 1)`` (the accepted points of a nearby game's trace, ``counts`` of them
        each; :func:`sim.stochastic.logit_kernel.warm`); a game whose warm trace fails a
        check starts again at lambda = 0, cold (:meth:`run` then traces it). Returns which
        of ``which`` held."""
        st = self.state
        which = np.ascontiguousarray(which, dtype=np.int64)
        _kernel().warm(
            self.games, self.decode, self.offsets, self.sizes, which, st.z, st.tangent,
            st.step, st.steps, st.status, st.regret, st.work, st.orientation,
            float(stop_regret), np.ascontiguousarray(source, dtype=np.float64),
            np.ascontiguousarray(counts, dtype=np.int64), _params(self.chord), self.record,
            self.recorded, dims=self.dims,
        )  # fmt: skip
        failed = which[st.status[which] == _kernel().FAILED]
        st.z[failed], st.tangent[failed] = self.origin[0][failed], self.origin[1][failed]
        st.step[failed] = FIRST_STEP
        st.steps[failed] = 0
        st.status[failed] = _kernel().RUNNING
        st.regret[failed] = np.inf
        self.recorded[failed] = 0
        return ~np.isin(which, failed)


def _support_system(ev: _Evaluator, games: FloatArray, x: FloatArray,
                    support: npt.NDArray[np.bool_], ref: list[IntArray]
                    ) -> tuple[FloatArray, FloatArray]:  # fmt: skip
    """Residual ``(N, M)`` and Jacobian ``(N, M, M)`` at ``x`` of the equations
    :func:`polish` solves: each player's support actions earn its reference action's
    payoff, its probabilities sum to 1, its actions outside the support have 0."""
    lay = ev.layout
    count, size = x.shape
    rows = np.arange(count)
    u, pairs = ev.values(games, lay.split(x))
    res = np.empty((count, size))
    jac = np.zeros((count, size, size))
    # one player's rows at once (the same entries as row by row: each a copy of the same
    # float or the same difference)
    for i, m in enumerate(lay.shape):
        b = lay.block(i)
        o = lay.offsets[i]
        r = ref[i]
        is_ref = r[:, None] == o + np.arange(m)  # (N, m)
        in_sup = support[:, b] & ~is_ref
        out_sup = ~support[:, b]
        # reference row: probabilities sum to 1
        res[:, b] = np.where(is_ref, (x[:, b].sum(axis=1) - 1.0)[:, None],
                             np.where(in_sup, u[:, b] - u[rows, r][:, None], x[:, b]))  # fmt: skip
        jac[:, b, b] = is_ref[:, :, None] | (out_sup[:, :, None] & np.eye(m, dtype=bool))
        for k in range(lay.n):
            if k == i:
                continue
            d = pairs[(i, k)]  # (N, m, m_k)
            diff = d - d[rows, r - o][:, None, :]
            jac[:, b, lay.block(k)] = np.where(in_sup[:, :, None], diff, 0.0)
    return res, jac


#: The polish solves a Newton step by LU factorisation where the Jacobian's 1-norm condition
#: number is at most this, else by the pseudo-inverse (:func:`_newton_steps`).
POLISH_CONDITION = 1e3


def _newton_steps(jac: FloatArray, res: FloatArray) -> FloatArray:
    """``(N, M)``: each Newton step ``-pinv(J) r`` of :func:`polish`, solved by LU with
    partial pivoting where ``J``'s 1-norm condition number is at most
    :data:`POLISH_CONDITION` (:func:`sim.stochastic.logit_kernel.lu_steps`), by the
    pseudo-inverse (an SVD a matrix) elsewhere.

    Where ``J`` is nonsingular the pseudo-inverse is its inverse, so both routes solve the
    same system, a backward-stable solve to a relative error of about ``kappa eps``
    (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., 2002, sec. 9.4 and
    ch. 11), and Newton's iteration reaches the same isolated root either way. A singular
    or nearly singular ``J`` (a limit on a continuum of equilibria, where the least-norm
    step decides which of its points Newton reaches) keeps the pseudo-inverse. See
    *The polish by LU* in the module docstring for what it saves and what moved."""
    step = np.empty_like(res)
    if res.shape[0] == 0:
        return step
    done = _kernel().lu_steps(np.ascontiguousarray(jac), np.ascontiguousarray(res), step,
                              POLISH_CONDITION)  # fmt: skip
    left = np.flatnonzero(~done)
    if left.size:
        step[left] = -np.einsum("zij,zj->zi", np.linalg.pinv(jac[left]), res[left])
    return step


def polish(games: FloatArray, flat: FloatArray, shape: tuple[int, ...],
           floor: float = SUPPORT_FLOOR) -> tuple[FloatArray, npt.NDArray[np.bool_]]:  # fmt: skip
    """The exact equilibrium on the support of each traced profile.

    ``flat`` ``(N, M)`` are traced probabilities; the support keeps actions with probability
    at least ``floor`` (:data:`SUPPORT_FLOOR`; :data:`END_FLOOR` at the trace's end) and
    each player's most likely one. Newton's method (least-squares steps, so a degenerate
    game with a continuum of solutions still converges) on: each player's support actions
    earn equal payoffs, its support probabilities sum to 1, and every action outside the
    support has probability 0. Returns the polished probabilities and whether Newton
    converged to a probability profile within :data:`POLISH_DISTANCE` of the traced point
    (the regret check is the caller's). Only the games still moving are evaluated (the
    same floats: each game's Newton steps are its own), and a pure support is exact from
    the start (every residual is zero, so every step would be).
    """
    ev = _Evaluator(shape)
    lay = ev.layout
    count, size = flat.shape
    support = flat >= floor
    for i in range(lay.n):
        b = lay.block(i)
        top = flat[:, b].argmax(axis=1)
        support[np.arange(count), lay.offsets[i] + top] = True
    x = np.where(support, flat, 0.0)
    for i in range(lay.n):
        b = lay.block(i)
        x[:, b] /= x[:, b].sum(axis=1, keepdims=True)
    # The reference action of each player: its most likely one.
    ref = [lay.offsets[i] + flat[:, lay.block(i)].argmax(axis=1) for i in range(lay.n)]
    # A support of one action per player is already exact (the profile is pure, every
    # equation holds with a zero residual, so Newton's step would be zero): not iterated.
    done = np.ones(count, dtype=bool)
    for i in range(lay.n):
        done &= support[:, lay.block(i)].sum(axis=1) == 1
    for _ in range(30):
        live = np.flatnonzero(~done)
        if not live.size:
            break
        res, jac = _support_system(ev, games[live], x[live], support[live],
                                   [r[live] for r in ref])  # fmt: skip
        step = _newton_steps(jac, res)
        x[live] = x[live] + step
        done[live] = np.abs(step).max(axis=1) <= 1e-13
    ok = np.all(np.isfinite(x), axis=1) & np.all(x >= -1e-9, axis=1)
    x = np.clip(np.nan_to_num(x, nan=0.0), 0.0, None)
    for i in range(lay.n):
        b = lay.block(i)
        total = x[:, b].sum(axis=1, keepdims=True)
        x[:, b] = np.where(total > 0, x[:, b] / np.where(total > 0, total, 1.0), flat[:, b])
    ok &= np.abs(x - flat).max(axis=1) <= POLISH_DISTANCE
    return x, ok


def exact_ties(games: FloatArray, flat: FloatArray, shape: tuple[int, ...]
               ) -> tuple[FloatArray, npt.NDArray[np.bool_]]:  # fmt: skip
    """The exact limit of a traced single-mixer tie game: its mixer uniform over its tied
    best responses.

    ``games`` ``(N, n, *m)`` in their own payoffs (ties are read in these floats),
    ``flat`` ``(N, M)`` polished limits. A limit qualifies when one player ``i`` has two
    or more actions with probability at least :data:`SUPPORT_FLOOR` (its support ``S``),
    every other player ``j`` one (``a_j``), ``S`` is exactly ``T``, the set of ``i``'s
    best responses to ``a_-i`` (equal floats; every other action strictly worse), and
    every other player is certified strict near the traced point: for each ``j`` and
    ``t != a_j``, with ``d_s = u_j(a_j, s, a_-ij) - u_j(t, s, a_-ij)``,
    ``sum_{s in T} d_s > |T| 2 r max_s |d_s|`` beyond its rounding, ``r`` the traced
    mixer's 1-norm distance from the uniform ``1/|T|`` on ``T``. Then ``E_t(x) = sum_s
    x_s d_s > 0`` for every mix ``x`` on ``T`` within ``2 r`` of uniform (``E_t`` is
    linear and moves by at most ``max |d_s|`` per unit of 1-norm).

    Why the limit is then uniform on ``T`` (McKelvey and Palfrey 1995: the branch's limit
    ``x*`` is a Nash equilibrium; the trace stops near it, ``|x* - x| << r`` for the
    traced ``x``): at ``x*`` the others are strict with some margin ``g``, so along the
    branch each ``j`` plays ``t`` with probability ``O(exp(-lambda g))``; ``i``'s payoffs
    of two actions ``s, s'`` in ``T`` are equal at ``a_-i`` and so differ by
    ``O(exp(-lambda g))``, and the logit log-odds ``lambda (U_is - U_is')`` go to 0:
    ``i``'s probabilities on ``T`` become equal. Where another player is not strict (the
    certificate fails), its deviations may vanish as slowly as ``1 / lambda``, the
    log-odds can keep a nonzero limit, and the traced point is kept.

    Returns the profiles (the qualifying ones replaced, pure players exactly 0 and 1) and
    which were replaced. :func:`sim.stochastic.dominance.tied_single_mixer` finds the
    games where this holds without a trace (the others' strictness by dominance).
    """
    out = flat.copy()
    count = flat.shape[0]
    n = len(shape)
    lay = _Layout(shape)
    replaced = np.zeros(count, dtype=bool)
    if count == 0 or n < 2:
        return out, replaced
    support = flat >= SUPPORT_FLOOR
    rows, mixer = single_mixers(
        np.stack([support[:, lay.block(i)].sum(axis=1) for i in range(n)], axis=1))
    if rows.size == 0:
        return out, replaced
    action = np.stack([flat[rows, lay.block(i)].argmax(axis=1) for i in range(n)], axis=1)
    g = games[rows].reshape(rows.size, n, -1)
    eps = np.finfo(np.float64).eps
    for i in range(n):
        sel = np.flatnonzero(mixer == i)
        if sel.size == 0:
            continue
        mine = g[sel[:, None], i, deviation_cells(action[sel], i, i, shape)]  # (R, m_i)
        tied = mine == mine.max(axis=1, keepdims=True)
        sup = support[rows[sel], lay.block(i)]
        ok = np.all(tied == sup, axis=1)
        size_t = tied.sum(axis=1)
        uniform = tied / size_t[:, None]
        traced = flat[rows[sel], lay.block(i)]
        r = np.abs(traced - uniform).sum(axis=1)
        for j in range(n):
            if j == i:
                continue
            at = deviation_cells(action[sel], i, j, shape)
            u = g[sel[:, None, None], j, at]  # (R, m_j, m_i): u_j(t, s, a_-ij)
            kept = u[np.arange(sel.size), action[sel, j]]  # (R, m_i)
            d = np.where(tied[:, None, :], kept[:, None, :] - u, 0.0)
            total = d.sum(axis=2)
            need = (size_t * 2.0 * r)[:, None] * np.abs(d).max(axis=2)
            need += (4 * shape[i] + 16) * eps * np.abs(d).sum(axis=2)
            strict = total > need
            strict[np.arange(sel.size), action[sel, j]] = True
            ok &= np.all(strict, axis=1)
        hit = sel[ok]
        replaced[rows[hit]] = True
        for k in range(n):
            b = lay.block(k)
            if k == i:
                out[rows[hit], b] = uniform[ok]
            else:
                out[rows[hit], b] = 0.0
                out[rows[hit], lay.offsets[k] + action[hit, k]] = 1.0
    return out, replaced


def pure_nearby(games: FloatArray, traced: FloatArray, polished: FloatArray,
                shape: tuple[int, ...]) -> FloatArray:  # fmt: skip
    """``polished`` with each mixed row replaced by the pure profile of its traced point's
    most likely actions, where that profile lies within :data:`POLISH_DISTANCE` of the
    traced point and is an exact equilibrium of the game (its own floats compared).

    Why: in a degenerate stage game the equilibria near the traced point can form a
    continuum that holds a pure profile; the polish then returns the point of it nearest
    to where the trace stopped, and a stop a little earlier or later (a warm start, a
    tighter stopping rule) gives another point. Every point within ``POLISH_DISTANCE`` of
    the trace is equally admitted by the polish's own standard, so the pure one is taken
    whenever it is admitted: the selection no longer depends on where on such a continuum
    the trace stopped (measured: ten of the default analysis's 320 calibrations moved by
    up to 0.045 in a probability between two stops)."""
    lay = _Layout(shape)
    count = traced.shape[0]
    if count == 0:
        return polished
    cells = np.stack([traced[:, lay.block(i)].argmax(axis=1) for i in range(lay.n)], axis=1)
    pure = np.zeros_like(polished)
    for i in range(lay.n):
        pure[np.arange(count), lay.offsets[i] + cells[:, i]] = 1.0
    near = np.abs(traced - pure).max(axis=1) <= POLISH_DISTANCE
    mixed = np.any((polished > 0.0) & (polished < 1.0), axis=1)
    rows = np.flatnonzero(near & mixed)
    if rows.size == 0:
        return polished
    ok = pure_is_equilibrium_batch(games[rows], cells[rows])
    out = polished.copy()
    out[rows[ok]] = pure[rows[ok]]
    return out


#: A selected mixed profile's support system is singular (its limit lies on a continuum)
#: when the smallest singular value of its Jacobian is at most this times the largest
#: (:func:`continuum`; measured in docs/engine.md, "Limits on a continuum").
CONTINUUM_RATIO = 1e-8
#: Probabilities above this form a selected profile's support in :func:`continuum` (a
#: polished point's actions outside its support are 0 up to the polish's rounding).
CONTINUUM_SUPPORT = 1e-12


@functools.cache
def _contrasts(mask: tuple[bool, ...]) -> FloatArray:
    """``(m, s - 1)``: an orthonormal basis of the vectors that sum to 0 and vanish outside
    the ``s`` actions marked in ``mask`` (the QR factors of the centred unit vectors)."""
    on = np.flatnonzero(mask)
    out = np.zeros((len(mask), on.size - 1))
    if on.size > 1:
        centred = np.eye(on.size)[:, :-1] - 1.0 / on.size
        out[on] = np.linalg.qr(centred)[0]
    return out


def support_ratio(games: FloatArray, flat: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    """``(N,)``: the smallest over the largest singular value of the Jacobian of each
    profile's support system (1 for a pure profile; 0 where the Jacobian is 0).

    The system (the equal-payoff conditions :func:`polish` solves, written without a
    reference action): with ``S_i`` player ``i``'s support (probabilities above
    :data:`CONTINUUM_SUPPORT`) and ``P_i`` ``(m_i, |S_i| - 1)`` an orthonormal basis of the
    vectors on ``S_i`` that sum to 0, ``F_i(x) = P_i^T U_i(x)``: ``U_i`` is constant on
    ``S_i`` exactly when ``F_i = 0``. Moving along the supports' simplices, ``x_k + P_k
    t_k``, the Jacobian ``J`` has blocks ``J_ik = P_i^T D_ik P_k`` (``D_ik[j, l]`` ``i``'s
    payoff of ``j`` when ``k`` plays ``l`` and the rest their ``x``; ``J_ii = 0``: a
    player's payoffs do not depend on its own mix), square of side ``sum_i (|S_i| - 1)``.
    Where it is nonsingular the equilibrium is isolated within its support (the implicit
    function theorem; a *regular* equilibrium, van Damme, *Stability and Perfection of
    Nash Equilibria*, 1991, def. 2.5.1, with quasi-strictness apart), which generic games'
    equilibria all are (Harsanyi 1973); where it is singular the equal-payoff conditions do
    not pin the point down to first order: in the engine's games, a continuum of equilibria
    through it (or, nongenerically, an irregular isolated point). The ratio is unchanged by
    adding a constant to a player's payoffs, scaling all payoffs by one positive number and
    relabelling actions (``P_i`` spans the same space for every order).
    """
    lay = _Layout(shape)
    count = flat.shape[0]
    out = np.ones(count)
    if count == 0 or lay.n < 2:
        return out
    support = flat > CONTINUUM_SUPPORT
    sizes = np.stack([support[:, lay.block(i)].sum(axis=1) for i in range(lay.n)], axis=1)
    mixing = np.flatnonzero((sizes > 1).any(axis=1))
    if mixing.size == 0:
        return out
    ev = _Evaluator(shape)
    _, pairs = ev.values(games[mixing], lay.split(flat[mixing]))
    patterns, which = np.unique(support[mixing], axis=0, return_inverse=True)
    for p, pattern in enumerate(patterns):
        rows = np.flatnonzero(which.reshape(-1) == p)
        basis = [_contrasts(tuple(bool(v) for v in pattern[lay.block(i)]))
                 for i in range(lay.n)]  # fmt: skip
        dims = [b.shape[1] for b in basis]
        at = np.concatenate([[0], np.cumsum(dims)])
        jac = np.zeros((rows.size, at[-1], at[-1]))
        for i in range(lay.n):
            for k in range(lay.n):
                if k == i or not dims[i] or not dims[k]:
                    continue
                jac[:, at[i]:at[i + 1], at[k]:at[k + 1]] = (
                    basis[i].T @ pairs[(i, k)][rows] @ basis[k])
        sv = np.linalg.svd(jac, compute_uv=False)
        top = sv[:, 0]
        out[mixing[rows]] = np.where(top > 0, sv[:, -1] / np.where(top > 0, top, 1.0), 0.0)
    return out


def continuum(games: FloatArray, flat: FloatArray, shape: tuple[int, ...]) -> npt.NDArray[np.bool_]:
    """``(N,)``: which profiles ``flat`` ``(N, M)`` of ``games`` ``(N, n, *m)`` are mixed
    with a singular support system: :func:`support_ratio` at most
    :data:`CONTINUUM_RATIO`. Pure profiles never are. An observation of a selected
    limit, not a change of it: where the equilibria near a limit form a continuum, the
    polished point is where the trace stopped on it (see the module docstring)."""
    return support_ratio(games, flat, shape) <= CONTINUUM_RATIO


def regrets(games: FloatArray, flat: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    """Largest regret of each game at each profile ``flat`` ``(N, M)``."""
    ev = _Evaluator(shape)
    u, _ = ev.values(games, ev.layout.split(flat), derivatives=False)
    return ev.regret(u, flat)


def flat_size(shape: tuple[int, ...]) -> int:
    return _Layout(shape).size


def to_padded(flat: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    """``(N, M)`` flat probabilities to ``(N, n, max m)`` padded with 0."""
    lay = _Layout(shape)
    out = np.zeros((flat.shape[0], len(shape), max(shape)))
    for i, m in enumerate(shape):
        out[:, i, :m] = flat[:, lay.block(i)]
    return out


def from_padded(padded: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    """``(N, n, max m)`` to ``(N, M)``."""
    return np.concatenate([padded[:, i, :m] for i, m in enumerate(shape)], axis=1)


@dataclass(frozen=True)
class Limits:
    """The equilibria the principal branches of a batch of games approach."""

    profiles: FloatArray  # (N, M) flat probabilities, polished
    verified: npt.NDArray[np.bool_]  # (N,) regret within the tolerance
    lambdas: FloatArray  # (N,) where each trace stopped (inverse-spread units)
    steps: IntArray  # (N,) accepted continuation steps
    corrections: IntArray  # (N,) Newton corrections, over every step tried
    jacobians: IntArray  # (N,) of them, those that evaluated and factored the Jacobian
    #: (N, RECORD, M + 1) the accepted points of each game's chord trace (the next warm
    #: source), ``recorded`` (N,) how many (more than RECORD: too many to keep; 0 for a
    #: game not traced with the chord control), ``warmed`` (N,) whose warm trace held.
    record: FloatArray | None = None
    recorded: IntArray | None = None
    warmed: npt.NDArray[np.bool_] | None = None
    #: (N,) whose limit :func:`exact_ties` replaced by the exact one (a single mixer
    #: uniform over its tied actions): resolved exactly, so never a :func:`continuum`.
    exact: npt.NDArray[np.bool_] | None = None


def _limits(norm: FloatArray, games: FloatArray, flat: FloatArray, shape: tuple[int, ...],
            floor: float = SUPPORT_FLOOR) -> tuple[FloatArray, npt.NDArray[np.bool_],
                                                   npt.NDArray[np.bool_], FloatArray]:  # fmt: skip
    """The equilibria traced points ``flat`` ``(N, M)`` approach: :func:`polish` (on the
    support of ``floor``), :func:`exact_ties`, :func:`pure_nearby`; with whether the polish
    converged, which :func:`exact_ties` resolved, and the regrets (in ``norm``'s units)."""
    polished, ok = polish(norm, flat, shape, floor)
    polished, tied = exact_ties(games, polished, shape)
    polished = pure_nearby(games, flat, polished, shape)
    return polished, ok, tied, regrets(norm, polished, shape)


def logit_limits(games: FloatArray, tol: float | FloatArray,
                 normalised: tuple[FloatArray, FloatArray] | None = None,
                 chord: bool = True,
                 warm: tuple[FloatArray, IntArray] | None = None,
                 scratch: Scratch | None = None) -> Limits:  # fmt: skip
    """Trace each game's principal branch and polish its limit (see the module docstring).

    ``games`` ``(N, n, *m)``; ``tol`` the regret bound relative to each game's spread
    (one number, or one per game); ``normalised`` is ``normalise(games)`` when the caller
    has it already (each game's normalisation is its own, row by row).
    A constant game's answer is the uniform profile (its QRE at every lambda). A game
    whose chord-corrected trace is not verified at the first stop (``STOP_REGRET``) is
    traced again with Newton's method throughout (``chord=False``, the reference control),
    which resumes at tighter stopping regrets as long as needed.

    ``warm`` (sources ``(N, K, M + 1)``, counts ``(N,)``): each game's warm source, the
    accepted points of a nearby game's trace (0 of them: none, the game is traced cold);
    the chord trace first follows it (:meth:`LogitTracer.warm`), cold where it fails.
    With ``warm`` (even of ``K = 0``), each chord trace's accepted points are returned
    (``Limits.record``, up to :data:`RECORD`); with ``scratch`` too, that record is in
    ``scratch``'s reused buffer (:class:`Scratch`: valid until the next call with it, and
    only each game's first ``recorded`` points are its own).
    """
    shape = tuple(int(m) for m in games.shape[2:])
    count = games.shape[0]
    norm, spread = normalise(games) if normalised is None else normalised
    uniform = np.concatenate([np.full(m, 1.0 / m) for m in shape])
    out = np.tile(uniform, (count, 1))
    verified = spread == 0
    lambdas = np.zeros(count)
    steps = np.zeros(count, dtype=np.intp)
    corrections = np.zeros(count, dtype=np.intp)
    jacobians = np.zeros(count, dtype=np.intp)
    bound = np.broadcast_to(np.asarray(tol, dtype=np.float64), (count,))
    todo = np.flatnonzero(spread > 0)
    keep = RECORD if chord and warm is not None else 0
    recorded = np.zeros(count, dtype=np.int64)
    warmed = np.zeros(count, dtype=bool)
    exact = np.zeros(count, dtype=bool)
    if todo.size == 0:
        return Limits(out, verified, lambdas, steps, corrections, jacobians,
                      np.zeros((count, keep, flat_size(shape) + 1)), recorded,
                      warmed, exact)  # fmt: skip
    tracer = LogitTracer(norm[todo], chord, keep, scratch if todo.size == count else None)
    if warm is not None and chord:
        # Not indexed when every game is traced: a copy would make the whole gathered
        # buffer resident (:func:`point_buffer`).
        source, counts = warm if todo.size == count else (warm[0][todo], warm[1][todo])
        use = np.flatnonzero((counts > 0) & (counts <= source.shape[1]))
        if use.size:
            warmed[todo[use]] = tracer.warm(use, source, counts)
    pending = np.arange(todo.size)
    stop = STOP_REGRET
    # Games traced on to LAMBDA_MAX (the reference control's, whose regret reached 0
    # unverified): no stopping regret ends them.
    onward = np.zeros(todo.size, dtype=bool)
    while pending.size:
        far = onward[pending]
        tracer.run(pending[~far], stop)
        if far.any():
            tracer.run(pending[far], -1.0)
        flat = tracer.profiles()[pending]
        # The games still traced, selected once (not copied where they are all the games,
        # the chord trace's usual case: the same C-ordered floats either way).
        at = todo[pending]
        whole = at.size == count
        sub_norm = norm if whole and norm.flags.c_contiguous else norm[at]
        sub_games = games if whole and games.flags.c_contiguous else games[at]
        st = tracer.state
        polished, ok, tied, reg = _limits(sub_norm, sub_games, flat, shape)
        good = ok & (reg <= bound[at])
        if not chord:
            # At the trace's end an action still played is a best response to within
            # 745 / LAMBDA_MAX (below that, exp(-lambda gap) underflows): a limit not
            # verified on the support of SUPPORT_FLOOR (one with a smaller probability) is
            # polished on all of them.
            end = np.flatnonzero(~good & (st.status[pending] == _kernel().AT_MAX))
            if end.size:
                found = _limits(sub_norm[end], sub_games[end], flat[end], shape, END_FLOOR)
                polished[end], ok[end], tied[end], reg[end] = found
                good[end] = ok[end] & (reg[end] <= bound[at[end]])
        out[todo[pending[good]]] = polished[good]
        verified[todo[pending[good]]] = True
        exact[todo[pending]] = tied & good
        finished = good | (st.status[pending] != _kernel().STOPPED)
        # A regret of exactly 0 is below every tighter stop (its polish would only repeat,
        # up to 147 times, what it gave now), but not the end of the branch: the reference
        # control traces it on to LAMBDA_MAX (the chord control stops here anyway).
        zero = ~finished & (st.regret[pending] == 0)
        if chord:
            finished |= zero
        else:
            onward[pending[zero]] = True
        # Not yet polishable: trace further with a tighter stopping rule.
        out[todo[pending[~good]]] = flat[~good]
        pending = pending[~finished]
        stop *= 1e-2
        if chord:
            break
        if stop < 1e-300:
            # The last stopping regret: only the games traced on to LAMBDA_MAX run again.
            pending = pending[onward[pending]]
    lambdas[todo] = tracer.state.z[:, -1] * 1.0
    steps[todo] = tracer.state.steps
    corrections[todo] = tracer.state.work[:, 1]
    jacobians[todo] = tracer.state.work[:, 2]
    if todo.size == count:
        record = tracer.record
    else:
        # Only the points recorded are copied: the rest of a row stays untouched.
        record = point_buffer(count, keep, flat_size(shape) + 1)
        for j, k in enumerate(todo.tolist()):
            kept = min(int(tracer.recorded[j]), keep)
            record[k, :kept] = tracer.record[j, :kept]
    recorded[todo] = tracer.recorded
    again = np.flatnonzero(~verified)
    if chord and again.size:
        ref = logit_limits(games[again], bound[again], (norm[again], spread[again]), False)
        out[again] = ref.profiles
        verified[again] = ref.verified
        exact[again] = ref.exact
        lambdas[again] = ref.lambdas
        steps[again] += ref.steps
        corrections[again] += ref.corrections
        jacobians[again] += ref.jacobians
    return Limits(out, verified, lambdas, steps, corrections, jacobians, record, recorded,
                  warmed, exact)  # fmt: skip


def logit_branch(game: NormalFormGame | FloatArray, lambdas: Sequence[float]) -> list[MixedProfile]:
    """The principal branch's logit QRE of ``game`` at each precision in ``lambdas``
    (in the game's own payoff units, ``>= 0``), traced from ``lambda = 0``.

    Raises
    ------
    EngineError
        On a negative or non-finite lambda, or a trace that fails before the last one.
    """
    payoffs = game.payoffs if isinstance(game, NormalFormGame) else NormalFormGame(game).payoffs
    lams = np.asarray(list(lambdas), dtype=np.float64)
    if lams.ndim != 1 or not np.all(np.isfinite(lams)) or np.any(lams < 0):
        raise EngineError(f"lambdas must be finite numbers >= 0, got {list(lambdas)}")
    shape = tuple(int(m) for m in payoffs.shape[1:])
    norm, spread = normalise(payoffs[None])
    lay = _Layout(shape)
    uniform = np.concatenate([np.full(m, 1.0 / m) for m in shape])
    points: dict[float, FloatArray] = {}
    if spread[0] > 0:
        internal = np.unique(lams * spread[0])
        internal = internal[internal > 0]
        tracer = LogitTracer(norm)
        found = tracer.run(np.array([0], dtype=np.intp), targets=internal)
        assert found is not None
        for r, lam in enumerate(internal):
            if np.all(np.isfinite(found[0, r])):
                points[float(lam)] = found[0, r]
        missing = [x for x in internal if float(x) not in points]
        if missing:
            raise EngineError(
                f"the logit trace stopped before lambda = {min(missing) / spread[0]:.6g}"
            )
    out = []
    for lam in lams:
        flat = points.get(float(lam * spread[0]), uniform) if lam > 0 else uniform
        out.append(tuple(flat[lay.block(i)].copy() for i in range(lay.n)))
    return out
