import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

type JsonObject = Record<string, unknown> | null;

/** Before/after snapshots of an audited object, pretty-printed, with the changed top-level fields named. */
@Component({
  selector: 'app-json-diff',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="json-diff" data-testid="json-diff">
      <p class="json-diff-summary" data-testid="json-diff-changed">
        @if (changedKeys().length > 0) {
          Changed:
          @for (key of changedKeys(); track key) {
            <code class="badge badge-neutral">{{ key }}</code>
          }
        } @else {
          No field changed.
        }
      </p>
      <div class="json-diff-columns">
        <div>
          <h4>Before</h4>
          <pre data-testid="json-diff-before">{{ beforeText() }}</pre>
        </div>
        <div>
          <h4>After</h4>
          <pre data-testid="json-diff-after">{{ afterText() }}</pre>
        </div>
      </div>
    </div>
  `,
})
export class JsonDiff {
  readonly before = input<JsonObject>(null);
  readonly after = input<JsonObject>(null);

  protected readonly beforeText = computed(() => format(this.before(), '(did not exist)'));
  protected readonly afterText = computed(() => format(this.after(), '(removed)'));
  protected readonly changedKeys = computed(() => {
    const before = this.before() ?? {};
    const after = this.after() ?? {};
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])).sort();
  });
}

function format(value: JsonObject, whenNull: string): string {
  return value === null ? whenNull : JSON.stringify(value, null, 2);
}
