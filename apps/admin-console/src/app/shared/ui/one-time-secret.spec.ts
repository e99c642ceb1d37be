import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { OneTimeSecret } from './one-time-secret';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** Replaces a browser API for one test; jsdom has neither the Clipboard API nor execCommand. */
function stub<T extends object>(target: T, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, configurable: true, writable: true });
}

describe('OneTimeSecret', () => {
  let fixture: ComponentFixture<OneTimeSecret>;
  let el: HTMLElement;

  const byTestId = <T extends HTMLElement = HTMLElement>(id: string) =>
    el.querySelector<T>(`[data-testid="${id}"]`) as T;

  async function render(): Promise<void> {
    fixture = TestBed.createComponent(OneTimeSecret);
    fixture.componentRef.setInput('secret', SECRET);
    fixture.componentRef.setInput('title', 'Signing secret for https://shop.example/hooks');
    fixture.componentRef.setInput('description', 'It is never shown again.');
    el = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  async function clickCopy(): Promise<void> {
    byTestId('one-time-secret-copy').click();
    // The copy awaits the clipboard's promise before it changes the label.
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  }

  afterEach(() => {
    delete (navigator as { clipboard?: unknown }).clipboard;
    delete (document as { execCommand?: unknown }).execCommand;
  });

  it('shows the secret read-only with its title, the warning and the description', async () => {
    await render();
    const value = byTestId<HTMLInputElement>('one-time-secret-value');
    expect(value.value).toBe(SECRET);
    expect(value.readOnly).toBe(true);
    expect(el.querySelector('[data-testid="one-time-secret"]')?.getAttribute('aria-label')).toBe(
      'Signing secret for https://shop.example/hooks',
    );
    const warning = byTestId('one-time-secret-warning').textContent ?? '';
    expect(warning).toContain('you will not see it again');
    expect(warning).toContain('It is never shown again.');
    expect(byTestId('one-time-secret-copy').textContent?.trim()).toBe('Copy');
  });

  it('copies the exact secret with the Clipboard API and says so', async () => {
    const writeText = jest.fn().mockResolvedValue(undefined);
    stub(navigator, 'clipboard', { writeText });
    const execCommand = jest.fn().mockReturnValue(true);
    stub(document, 'execCommand', execCommand);
    await render();

    await clickCopy();

    expect(writeText).toHaveBeenCalledTimes(1);
    expect(writeText).toHaveBeenCalledWith(SECRET);
    expect(execCommand).not.toHaveBeenCalled();
    expect(byTestId('one-time-secret-copy').textContent?.trim()).toBe('Copied ✓');
  });

  it('falls back to selecting the field and a copy command when the Clipboard API refuses', async () => {
    stub(navigator, 'clipboard', { writeText: jest.fn().mockRejectedValue(new Error('NotAllowedError')) });
    const value = () => byTestId<HTMLInputElement>('one-time-secret-value');
    let selectedAtCopy = '';
    const execCommand = jest.fn(() => {
      // What the copy command takes is the selection at that moment: it must be the whole secret.
      selectedAtCopy = value().value.slice(value().selectionStart ?? 0, value().selectionEnd ?? 0);
      return true;
    });
    stub(document, 'execCommand', execCommand);
    await render();

    await clickCopy();

    expect(execCommand).toHaveBeenCalledWith('copy');
    expect(selectedAtCopy).toBe(SECRET);
    expect(document.activeElement).toBe(value());
    expect(byTestId('one-time-secret-copy').textContent?.trim()).toBe('Copied ✓');
  });

  it('asks for Ctrl+C when neither the Clipboard API nor the copy command is available', async () => {
    stub(document, 'execCommand', jest.fn().mockReturnValue(false));
    await render();

    await clickCopy();

    expect(byTestId('one-time-secret-copy').textContent?.trim()).toBe('Press Ctrl+C to copy');
    // The secret is left selected for the user to copy by hand.
    const value = byTestId<HTMLInputElement>('one-time-secret-value');
    expect(value.value.slice(value.selectionStart ?? 0, value.selectionEnd ?? 0)).toBe(SECRET);
  });

  it('emits dismissed when the user says the secret is stored', async () => {
    await render();
    const dismissed = jest.fn();
    fixture.componentInstance.dismissed.subscribe(dismissed);

    byTestId('one-time-secret-dismiss').click();

    expect(dismissed).toHaveBeenCalledTimes(1);
  });
});
