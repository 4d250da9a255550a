import { plainToInstance } from 'class-transformer';
import { AlertRuleDto, ruleProblems } from './alert-rule.dto';

function problemsOf(body: Record<string, unknown>) {
  return ruleProblems(plainToInstance(AlertRuleDto, body));
}

const rule = {
  name: 'disk',
  kind: 'match',
  match: { type: 'check.*' },
  alert: { severity: 'warning', summary: 'disk on {{payload.host}}' },
};

describe('alert rule type globs', () => {
  it('accepts a pattern within the limits', () => {
    expect(problemsOf(rule)).toEqual([]);
    expect(problemsOf({ ...rule, match: { type: '*a*a*a*a*a*a*a*b' } })).toEqual([]);
  });

  it('refuses one with more than 8 wildcards, in match and in resolve.match, naming the field', () => {
    const nine = '*a'.repeat(9);
    expect(problemsOf({ ...rule, match: { type: nine } })).toEqual([
      { field: 'match.type', message: "type must have at most 8 '*' wildcards" },
    ]);
    expect(problemsOf({ ...rule, resolve: { match: { type: nine } } })).toEqual([
      { field: 'resolve.match.type', message: "type must have at most 8 '*' wildcards" },
    ]);
  });
});
