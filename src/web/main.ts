// The dashboard's entry point: the only module that acts when loaded.
import { Dashboard } from './dashboard.ts';
import { byId } from './dom.ts';
import { localInputValue } from './format.ts';
import { fromHash, resolve, toHash, type RangeChoice } from './range.ts';

function boot(): void {
  const dashboard = new Dashboard(fromHash(location.hash));
  const custom = byId<HTMLFormElement>('custom-range');
  const startInput = byId<HTMLInputElement>('range-start');
  const endInput = byId<HTMLInputElement>('range-end');

  const show = (choice: RangeChoice, customOpen: boolean): void => {
    document.querySelectorAll<HTMLButtonElement>('[data-range]').forEach((b) => {
      const pressed = customOpen
        ? b.dataset.range === 'custom'
        : choice.kind === 'preset' && b.dataset.range === choice.preset;
      b.setAttribute('aria-pressed', String(pressed));
    });
    custom.hidden = !customOpen;
  };
  const choose = (choice: RangeChoice): void => {
    history.replaceState(null, '', toHash(choice));
    show(choice, choice.kind === 'custom');
    dashboard.setRange(choice);
  };

  document.querySelectorAll<HTMLButtonElement>('[data-range]').forEach((b) => {
    b.addEventListener('click', () => {
      const which = b.dataset.range;
      if (which === '1h' || which === '24h' || which === '7d') {
        choose({ kind: 'preset', preset: which });
        return;
      }
      // Custom starts from whatever is shown now, ready to adjust.
      const now = resolve(fromHash(location.hash), Date.now());
      startInput.value = localInputValue(now.startMs);
      endInput.value = localInputValue(now.endMs);
      show(fromHash(location.hash), true);
      startInput.focus();
    });
  });
  custom.addEventListener('submit', (e) => {
    e.preventDefault();
    const startMs = new Date(startInput.value).getTime();
    const endMs = new Date(endInput.value).getTime();
    const error = byId('range-error');
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || startMs > endMs) {
      error.textContent = 'Choose a start before the end.';
      error.hidden = false;
      return;
    }
    error.hidden = true;
    choose({ kind: 'custom', startMs, endMs });
  });

  const initial = fromHash(location.hash);
  if (initial.kind === 'custom') {
    startInput.value = localInputValue(initial.startMs);
    endInput.value = localInputValue(initial.endMs);
  }
  show(initial, initial.kind === 'custom');
  dashboard.start();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
