import { ApiError } from '../api/problem';
import { useApp } from '../app-context';

/** A failed load or action in words: network trouble, not found, not allowed, or the detail. */
export function ProblemMessage(props: { error: unknown; onRetry?: () => void }) {
  const { t } = useApp();
  const error = props.error;
  let text: string;
  if (error instanceof ApiError) {
    if (error.status === 0) text = t('common.networkError');
    else if (error.status === 404) text = t('common.notFound');
    else if (error.status === 403) text = t('common.forbidden');
    else text = t('common.error', { detail: error.problem.detail ?? error.problem.title ?? '' });
  } else {
    text = t('common.error', { detail: error instanceof Error ? error.message : String(error) });
  }
  return (
    <div className="notice notice-error" role="alert" data-testid="problem">
      <p>{text}</p>
      {props.onRetry !== undefined && (
        <button type="button" onClick={props.onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
