import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { PageHeader } from '../../ui/page-header';
import { RelativeTime } from '../../ui/relative-time';
import { EmptyState, Loading, ProblemMessage, StatusLabel } from '../../ui/states';
import { describeRule, listRules, rulesKey } from './api';
import { RulesTabs } from './section-tabs';
import './rules.css';

/** `/rules`: the tenant's alert rules, oldest first (the API's order), each opening its form. */
export function RulesPage() {
  const rules = useQuery({ queryKey: rulesKey, queryFn: listRules });
  return (
    <div className="rules-area">
      <PageHeader
        title="Alert rules"
        actions={
          <Link to="/rules/new" className="button">
            New rule
          </Link>
        }
        description={
          <p>
            A <strong>match</strong> rule fires when events match its conditions (optionally several times within a
            window); an <strong>absence</strong> rule fires when expected events stop coming (each is a check on the
            Heartbeat checks tab).{' '}
            <Link to="/alerts" search={{}}>
              See the alerts they fired
            </Link>
            .
          </p>
        }
      />
      <RulesTabs />
      {rules.isPending ? (
        <Loading what="alert rules" />
      ) : rules.isError ? (
        <ProblemMessage error={rules.error} />
      ) : rules.data.items.length === 0 ? (
        <EmptyState title="No alert rules yet">
          <p>
            Create the first one with <Link to="/rules/new">New rule</Link>: for example, alert when a{' '}
            <code>check.failed</code> event reports more than 90%, or when a heartbeat stops.
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table-stack">
            <caption className="visually-hidden">Alert rules</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Severity</th>
                <th scope="col">Condition</th>
                <th scope="col">State</th>
                <th scope="col">Changed</th>
              </tr>
            </thead>
            <tbody>
              {rules.data.items.map((rule) => (
                <tr key={rule.id}>
                  <td data-label="Name">
                    <Link to="/rules/$ruleId" params={{ ruleId: rule.id }}>
                      {rule.name}
                    </Link>
                  </td>
                  <td data-label="Kind">{rule.kind}</td>
                  <td data-label="Severity">
                    <StatusLabel status={rule.alert.severity} />
                  </td>
                  <td data-label="Condition">{describeRule(rule)}</td>
                  <td data-label="State">{rule.enabled ? 'enabled' : 'disabled'}</td>
                  <td data-label="Changed">
                    <RelativeTime value={rule.updatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
