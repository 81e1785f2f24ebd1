"""A population of municipalities: the kinds of municipality a national survey reaches.

The Nationale ombudsman asked members of citizen initiatives across the country, so its
44 % dissatisfied is a figure about a mix of municipalities, not about one. A population
file names the kinds of municipality (each a scenario file) and the prior of their shares:

    [population]
    name = "netherlands"
    description = "..."

    [kinds.directive]
    scenario = "../directive.toml"      # relative to this file
    group = "rest"                      # shares are drawn per group, then within it

    [groups.partner-like]               # the kinds that declare the partner role
    share = [0.20, 0.35]                # a uniform prior on the group's share
    source = "Right to Challenge, ..."

The prior is hierarchical: each group's share is uniform on its range (the groups'
shares sum to 1, so the last group takes what is left), and a group's share is split
over its kinds uniformly on the simplex (a flat Dirichlet) where no figure tells them
apart. Bad input raises :class:`PopulationError` (a :class:`~sim.scenario.ScenarioError`)
naming the file and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.scenario import Scenario, ScenarioError, _describe
from sim.scenario_files import load_scenario, read_toml_file

Share = Annotated[float, Field(ge=0.0, le=1.0)]


class PopulationError(ScenarioError):
    """Invalid population file; ``problems`` holds one readable line per problem."""

    def __init__(self, problems: list[str], source: str) -> None:
        super().__init__(problems, source)
        self.args = (f"invalid population in {source}:\n  " + "\n  ".join(problems),)


class Group(BaseModel):
    """A group of kinds whose joint share has a prior from a public figure."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    share: tuple[Share, Share] | None = Field(
        None, description="Uniform prior on the group's share [low, high]; none for the "
                          "group that takes what the others leave")
    source: str = Field(description="Where the range comes from, or why there is none")

    @model_validator(mode="after")
    def _ordered(self) -> Group:
        if self.share is not None and self.share[0] > self.share[1]:
            raise ValueError(f"share: low {self.share[0]} is above high {self.share[1]}")
        return self


class Kind(BaseModel):
    """A kind of municipality: its scenario file and the group it belongs to."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    scenario: str = Field(description="Scenario file, relative to the population file")
    group: str = Field(description="The group whose share this kind splits")


class PopulationInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    description: str = ""


Value = float | int | bool | str


class Population(BaseModel):
    """The kinds of municipality, their groups and the prior of their shares."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    population: PopulationInfo
    groups: dict[str, Group] = Field(min_length=1)
    kinds: dict[str, Kind] = Field(min_length=1)
    changes: dict[str, Value] = Field(
        default_factory=dict, description="Scenario changes applied to every kind (what "
                                          "the national survey shares, e.g. its cutpoints)")
    sources: dict[str, str] = Field(default_factory=dict,
                                    description="Where each change comes from")

    @model_validator(mode="after")
    def _consistent(self) -> Population:
        for name, kind in self.kinds.items():
            if kind.group not in self.groups:
                raise ValueError(f"kinds.{name}.group: {kind.group!r} is not a group; the "
                                 f"groups are {sorted(self.groups)}")
        empty = sorted(set(self.groups) - {k.group for k in self.kinds.values()})
        if empty:
            raise ValueError(f"groups {empty} have no kind")
        open_ = [g for g, group in self.groups.items() if group.share is None]
        if len(open_) != 1:
            raise ValueError("exactly one group takes what the others leave (no share); "
                             f"got {open_ or 'none'}")
        if sum(g.share[1] for g in self.groups.values() if g.share is not None) > 1.0:
            raise ValueError("the groups' highest shares add up to more than 1")
        return self

    def draw_shares(self, rng: np.random.Generator) -> dict[str, float]:
        """One draw of every kind's share from the prior (they sum to 1)."""
        group_share = {g: float(rng.uniform(*group.share))
                       for g, group in self.groups.items() if group.share is not None}
        rest = next(g for g, group in self.groups.items() if group.share is None)
        group_share[rest] = 1.0 - sum(group_share.values())
        shares: dict[str, float] = {}
        for g in self.groups:  # in file order, so a seed gives the same draw
            members = self.members(g)
            split = rng.dirichlet(np.ones(len(members)))
            shares.update({k: group_share[g] * float(s) for k, s in zip(members, split,
                                                                        strict=True)})
        return shares

    def members(self, group: str) -> list[str]:
        """The kinds of ``group``, in file order."""
        return [k for k, kind in self.kinds.items() if kind.group == group]

    def mix_priors(self) -> dict[str, tuple[str, float, float]]:
        """The mix as calibrated parameters, each with its prior (scipy name, two
        parameters): ``mix.<group>`` uniform on the group's range for every group with
        one, and ``mix.<group>.<kind>`` the share of what is left of the group that a kind
        takes (stick-breaking, all kinds but the last): Beta(1, m - 1 - j) for the j-th
        of m kinds, which makes the split a flat Dirichlet, as :meth:`draw_shares`."""
        priors: dict[str, tuple[str, float, float]] = {}
        for g, group in self.groups.items():
            if group.share is not None:
                priors[f"mix.{g}"] = ("uniform", group.share[0],
                                      group.share[1] - group.share[0])
            members = self.members(g)
            for j, kind in enumerate(members[:-1]):
                priors[f"mix.{g}.{kind}"] = ("beta", 1.0, float(len(members) - 1 - j))
        return priors

    def shares_from(self, mix: dict[str, float]) -> dict[str, float]:
        """Every kind's share from the values of :meth:`mix_priors`' parameters."""
        group_share = {g: float(mix[f"mix.{g}"]) for g, group in self.groups.items()
                       if group.share is not None}
        rest = next(g for g, group in self.groups.items() if group.share is None)
        group_share[rest] = 1.0 - sum(group_share.values())
        shares: dict[str, float] = {}
        for g in self.groups:
            left = group_share[g]
            members = self.members(g)
            for kind in members[:-1]:
                shares[kind] = left * float(mix[f"mix.{g}.{kind}"])
                left -= shares[kind]
            shares[members[-1]] = left
        return {k: shares[k] for k in self.kinds}

    def prior_mean_shares(self) -> dict[str, float]:
        """Every kind's prior mean share (mid-range groups, even splits)."""
        group_share = {g: 0.5 * (group.share[0] + group.share[1])
                       for g, group in self.groups.items() if group.share is not None}
        rest = next(g for g, group in self.groups.items() if group.share is None)
        group_share[rest] = 1.0 - sum(group_share.values())
        counts = {g: sum(k.group == g for k in self.kinds.values()) for g in self.groups}
        return {k: group_share[kind.group] / counts[kind.group]
                for k, kind in self.kinds.items()}


def load_population(path: str | Path) -> tuple[Population, dict[str, Scenario]]:
    """The population file and the scenario of each kind, with the population's
    ``changes`` applied (errors name the file and the field)."""
    path = Path(path)
    data = read_toml_file(path)
    try:
        population = Population.model_validate(data)
    except ValidationError as e:
        raise PopulationError([_describe(err) for err in e.errors()], str(path)) from None
    scenarios = {}
    for name, kind in population.kinds.items():
        file = path.parent / kind.scenario
        if not file.is_file():
            raise PopulationError([f"kinds.{name}.scenario: no file {file}"], str(path))
        try:
            scenarios[name] = load_scenario(file, population.changes)
        except ScenarioError as e:
            raise PopulationError([f"changes, applied to kinds.{name} ({file}): {problem}"
                                   for problem in e.problems], str(path)) from None
    return population, scenarios
