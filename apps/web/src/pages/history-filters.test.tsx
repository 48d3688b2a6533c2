// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { emptyFilters, filtersToSearch, type HistoryFilters, startOfLocalDay } from '../lib/history-query';
import { byLabel, byText, changeValue, click, type Rendered, render } from '../test/render';
import { HistoryFilterForm } from './history-filters';

let view: Rendered | undefined;
afterEach(() => view?.unmount());

function mount(applied: HistoryFilters = emptyFilters()) {
  const calls: HistoryFilters[] = [];
  view = render(<HistoryFilterForm applied={applied} onApply={(f) => calls.push(f)} />);
  return { container: view.container, calls };
}

describe('History filter form', () => {
  it('turns what the user typed into the page’s query string on submit', () => {
    const { container, calls } = mount();
    changeValue(byLabel(container, 'Search'), 'scan');
    changeValue(byLabel<HTMLSelectElement>(container, 'Verdict'), 'attack');
    changeValue(byLabel(container, 'Address (either side)'), '10.0.0.5');
    changeValue(byLabel(container, 'Min risk'), '60');
    changeValue(byLabel<HTMLSelectElement>(container, 'Sort'), 'risk_score:desc');
    click(byText(container, 'button', 'Apply filters'));
    expect(calls).toHaveLength(1);
    expect(filtersToSearch(calls[0]).toString()).toBe(
      'verdict=attack&minScore=60&ip=10.0.0.5&q=scan&sort=risk_score%3Adesc',
    );
  });

  it('refuses a bad address or range and says why, next to the field', () => {
    const { container, calls } = mount();
    changeValue(byLabel(container, 'Source address'), '10.0.0');
    changeValue(byLabel(container, 'Min risk'), '80');
    changeValue(byLabel(container, 'Max risk'), '20');
    click(byText(container, 'button', 'Apply filters'));
    expect(calls).toHaveLength(0);
    const src = byLabel(container, 'Source address');
    expect(src.getAttribute('aria-invalid')).toBe('true');
    expect(container.textContent).toContain('Enter an IPv4 or IPv6 address');
    expect(container.textContent).toContain('Minimum risk must not exceed maximum');
  });

  it('applies a quick range at once, keeping the other filters', () => {
    const { container, calls } = mount({ ...emptyFilters(), ip: '10.0.0.5' });
    click(byText(container, 'button', 'Yesterday'));
    expect(calls).toHaveLength(1);
    const now = new Date();
    expect(calls[0].ip).toBe('10.0.0.5');
    expect(Date.parse(calls[0].from)).toBe(startOfLocalDay(now, 1).getTime());
    expect(Date.parse(calls[0].to)).toBe(startOfLocalDay(now).getTime());
  });

  it('resets to no filters', () => {
    const { container, calls } = mount({ ...emptyFilters(), verdict: 'attack', q: 'x' });
    click(byText(container, 'button', 'Reset'));
    expect(calls).toEqual([emptyFilters()]);
  });
});
