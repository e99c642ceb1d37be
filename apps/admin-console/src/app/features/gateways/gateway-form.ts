import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  afterNextRender,
  effect,
  untracked,
  viewChild,
  computed,
  inject,
  input,
  output,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { type FormControl, FormGroup, NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import {
  type CreatedGateway,
  GATEWAY_PROVIDERS,
  type GatewayProviderName,
  type GatewayView,
  PAYMENT_METHODS,
  type PaymentMethod,
} from '@lsp/contracts';
import { type Observable, finalize } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { GatewaysApiService } from './gateways-api.service';
import {
  ALL_CONFIG_KEYS,
  ALL_CREDENTIAL_KEYS,
  type ConfigField,
  type CredentialField,
  PROVIDER_FORMS,
  buildConfig,
  configFieldProblem,
  configInputValue,
  phonePeMode,
} from './gateway-providers';
import type { GatewayCreateRequest, GatewayUpdateRequest } from './gateway-types';

const CODE = /^[a-z0-9][a-z0-9_-]{1,39}$/;
const METHOD_LABELS: Record<PaymentMethod, string> = {
  upi: 'UPI',
  card: 'Card',
  netbanking: 'Netbanking',
  wallet: 'Wallet',
};

type Problems = Record<string, string>;

/**
 * Create or edit one gateway. Credentials and the webhook secret are write-only: never pre-filled (the API only
 * returns them masked), and on edit a blank set keeps the stored ones. Errors — the form's own and the API's —
 * are shown on the field they name (`credentials.keyId` → the Key id input).
 */
@Component({
  selector: 'app-gateway-form',
  imports: [ReactiveFormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './gateway-form.html',
  styleUrl: './gateway-form.scss',
})
export class GatewayForm {
  private readonly api = inject(GatewaysApiService);
  private readonly destroyRef = inject(DestroyRef);
  private readonly fb = inject(NonNullableFormBuilder);

  /** The gateway being edited; null creates a new one. */
  readonly gateway = input<GatewayView | null>(null);
  readonly defaultPriority = input(10);
  readonly saved = output<GatewayView | CreatedGateway>();
  readonly cancelled = output();

  protected readonly providers = GATEWAY_PROVIDERS.map((value) => ({ value, label: PROVIDER_FORMS[value].label }));
  protected readonly methods = PAYMENT_METHODS.map((value) => ({ value, label: METHOD_LABELS[value] }));

  protected readonly form = this.fb.group({
    code: [''],
    name: [''],
    provider: ['razorpay' as GatewayProviderName],
    priority: [''],
    enabled: [true],
    currencies: ['INR'],
    methods: this.fb.group(
      Object.fromEntries(PAYMENT_METHODS.map((m) => [m, this.fb.control(true)])) as Record<
        PaymentMethod,
        FormControl<boolean>
      >,
    ),
    config: new FormGroup(
      Object.fromEntries(ALL_CONFIG_KEYS.map((k) => [k, this.fb.control('')])) as Record<string, FormControl<string>>,
    ),
    credentials: new FormGroup(
      Object.fromEntries(ALL_CREDENTIAL_KEYS.map((k) => [k, this.fb.control('')])) as Record<
        string,
        FormControl<string>
      >,
    ),
    webhookSecret: [''],
  });

  protected readonly editing = computed(() => this.gateway() !== null);
  private readonly provider = signal<GatewayProviderName>('razorpay');
  private readonly configValues = signal<Record<string, string>>({});
  protected readonly providerForm = computed(() => PROVIDER_FORMS[this.provider()]);
  protected readonly configFields = computed<readonly ConfigField[]>(() => this.providerForm().configFields);
  protected readonly credentialFields = computed<readonly CredentialField[]>(() =>
    this.providerForm().credentialFields(this.configValues()),
  );
  /** PhonePe v1 and v2 take different credentials, so switching generation on edit needs the new set. */
  protected readonly credentialsRequired = computed(() => {
    const gateway = this.gateway();
    if (!gateway) {
      return true;
    }
    return gateway.provider === 'phonepe' && phonePeMode(gateway.config) !== phonePeMode(this.configValues());
  });

  protected readonly submitting = signal(false);
  protected readonly submitted = signal(false);
  protected readonly problems = signal<Problems>({});
  protected readonly apiError = signal<ApiError | null>(null);
  private readonly providerField = viewChild<ElementRef<HTMLElement>>('providerField');
  private readonly codeField = viewChild<ElementRef<HTMLElement>>('codeField');

  constructor() {
    this.form.controls.config.valueChanges
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(() => this.configValues.set(this.form.controls.config.getRawValue()));
    // The page keeps one form open and may point it at another gateway: refill whenever the target changes.
    effect(() => {
      const gateway = this.gateway();
      untracked(() => this.fill(gateway));
    });
    // Focus brings the form into view and starts keyboard users where the work is.
    afterNextRender(() => (this.editing() ? this.codeField() : this.providerField())?.nativeElement.focus());
    // After a first submit, problems follow the input as it is corrected; an API complaint is about values
    // that have since changed, so it goes until the next submit.
    this.form.valueChanges.pipe(takeUntilDestroyed(this.destroyRef)).subscribe(() => {
      if (this.submitted()) {
        this.problems.set(this.validate());
      }
      if (this.apiError()?.param) {
        this.apiError.set(null);
      }
    });
  }

  protected onProviderChange(): void {
    const provider = this.form.controls.provider.getRawValue();
    this.provider.set(provider);
    this.form.controls.config.reset();
    this.form.controls.credentials.reset();
    if (provider === 'phonepe') {
      this.form.controls.config.controls['mode']?.setValue('v2');
    }
    this.problems.set({});
  }

  /** The message to show under a field: the form's own check first, else the API's when it names this field. */
  protected errorFor(path: string): string | null {
    const own = this.submitted() ? this.problems()[path] : undefined;
    if (own) {
      return own;
    }
    const failure = this.apiError();
    return failure?.param && fieldOf(failure.param) === path ? failure.message : null;
  }

  /** The API error when no field of the form shows it. */
  protected readonly generalError = computed(() => {
    const failure = this.apiError();
    if (!failure) {
      return null;
    }
    return failure.param && this.knownFields().has(fieldOf(failure.param)) ? null : failure;
  });

  private readonly knownFields = computed(
    () =>
      new Set([
        'code',
        'name',
        'priority',
        'currencies',
        'methods',
        'webhookSecret',
        ...(this.editing() ? [] : ['provider']),
        ...this.configFields().map((f) => `config.${f.key}`),
        ...this.credentialFields().map((f) => `credentials.${f.key}`),
      ]),
  );

  protected testIdFor(path: string): string {
    return `gateway-error-${path.replace(/\./g, '-')}`;
  }

  protected maskedCredential(key: string): string | null {
    return this.gateway()?.credentials[key] ?? null;
  }

  protected submit(): void {
    this.submitted.set(true);
    const problems = this.validate();
    this.problems.set(problems);
    if (Object.keys(problems).length > 0 || this.submitting()) {
      return;
    }
    const gateway = this.gateway();
    const request: Observable<GatewayView | CreatedGateway> = gateway
      ? this.api.update(gateway.id, this.updateRequest(gateway))
      : this.api.create(this.createRequest());
    this.submitting.set(true);
    this.apiError.set(null);
    request
      .pipe(
        finalize(() => this.submitting.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (result) => this.saved.emit(result),
        error: (error: unknown) => this.apiError.set(toApiError(error)),
      });
  }

  private fill(gateway: GatewayView | null): void {
    this.submitted.set(false);
    this.problems.set({});
    this.apiError.set(null);
    this.form.reset();
    this.form.controls.provider.enable();
    if (!gateway) {
      this.form.controls.priority.setValue(String(untracked(this.defaultPriority)));
      this.provider.set(this.form.controls.provider.getRawValue());
      this.onProviderChange();
      return;
    }
    this.form.patchValue({
      code: gateway.code,
      name: gateway.name,
      provider: gateway.provider,
      priority: String(gateway.priority),
      enabled: gateway.enabled,
      currencies: gateway.currencies.join(', '),
    });
    for (const method of PAYMENT_METHODS) {
      this.form.controls.methods.controls[method].setValue(gateway.methods.includes(method));
    }
    this.provider.set(gateway.provider);
    this.form.controls.provider.disable();
    for (const field of PROVIDER_FORMS[gateway.provider].configFields) {
      this.form.controls.config.controls[field.key]?.setValue(configInputValue(gateway.config[field.key]));
    }
    if (gateway.provider === 'phonepe' && !gateway.config['mode']) {
      this.form.controls.config.controls['mode']?.setValue('v2');
    }
  }

  private currencies(): string[] {
    return this.form.controls.currencies
      .getRawValue()
      .split(/[\s,]+/)
      .map((c) => c.trim().toUpperCase())
      .filter((c) => c !== '');
  }

  private selectedMethods(): PaymentMethod[] {
    const chosen = this.form.controls.methods.getRawValue();
    return PAYMENT_METHODS.filter((m) => chosen[m]);
  }

  private credentialValues(): Record<string, string> {
    const values = this.form.controls.credentials.getRawValue();
    return Object.fromEntries(this.credentialFields().map((f) => [f.key, (values[f.key] ?? '').trim()]));
  }

  private validate(): Problems {
    const problems: Problems = {};
    const value = this.form.getRawValue();
    if (!CODE.test(value.code.trim())) {
      problems['code'] = '2 to 40 lower-case letters, digits, _ or -, starting with a letter or digit.';
    }
    if (value.name.trim() === '' || value.name.trim().length > 100) {
      problems['name'] = 'A name of 1 to 100 characters.';
    }
    if (!this.editing() && !(/^\d{1,6}$/.test(value.priority.trim()) && Number(value.priority) <= 100_000)) {
      problems['priority'] = 'A whole number from 0 to 100000 (lower is tried first).';
    }
    const currencies = this.currencies();
    if (currencies.length === 0 || currencies.some((c) => !/^[A-Z]{3}$/.test(c))) {
      problems['currencies'] = 'One or more ISO 4217 codes, e.g. INR, USD.';
    } else if (new Set(currencies).size !== currencies.length) {
      problems['currencies'] = 'Each currency once.';
    }
    if (this.selectedMethods().length === 0) {
      problems['methods'] = 'Pick at least one payment method.';
    }
    for (const field of this.configFields()) {
      const problem = configFieldProblem(field, value.config[field.key] ?? '');
      if (problem) {
        problems[`config.${field.key}`] = problem;
      }
    }
    const credentials = this.credentialValues();
    const anyGiven = Object.values(credentials).some((v) => v !== '');
    if (this.credentialsRequired() || anyGiven) {
      for (const field of this.credentialFields()) {
        const given = credentials[field.key] ?? '';
        if (given === '') {
          problems[`credentials.${field.key}`] = this.editing()
            ? 'To replace the credentials, enter all of them (leave all blank to keep the current ones).'
            : `${field.label} is required.`;
        } else if (field.pattern && !field.pattern.test(given)) {
          problems[`credentials.${field.key}`] = field.patternMessage ?? 'Not in the expected format.';
        }
      }
    }
    const secret = value.webhookSecret;
    if (secret !== '' && (secret.length < 16 || secret.length > 200)) {
      problems['webhookSecret'] =
        '16 to 200 characters, or blank to ' + (this.editing() ? 'keep it.' : 'generate one.');
    }
    return problems;
  }

  private createRequest(): GatewayCreateRequest {
    const value = this.form.getRawValue();
    const provider = value.provider;
    const credentials = this.credentialValues();
    return {
      code: value.code.trim(),
      name: value.name.trim(),
      provider,
      priority: Number(value.priority),
      enabled: value.enabled,
      currencies: this.currencies(),
      methods: this.selectedMethods(),
      config: buildConfig(provider, value.config),
      ...(Object.keys(credentials).length > 0 ? { credentials } : {}),
      ...(value.webhookSecret ? { webhookSecret: value.webhookSecret } : {}),
    };
  }

  private updateRequest(gateway: GatewayView): GatewayUpdateRequest {
    const value = this.form.getRawValue();
    const credentials = this.credentialValues();
    const replaceCredentials = Object.values(credentials).some((v) => v !== '');
    return {
      code: value.code.trim(),
      name: value.name.trim(),
      enabled: value.enabled,
      currencies: this.currencies(),
      methods: this.selectedMethods(),
      config: buildConfig(gateway.provider, value.config, gateway.config),
      ...(replaceCredentials ? { credentials } : {}),
      ...(value.webhookSecret ? { webhookSecret: value.webhookSecret } : {}),
    };
  }
}

/** The form field an API `param` names: `currencies[2]` is the currencies input, `methods[0]` the methods. */
export function fieldOf(param: string): string {
  return param.replace(/\[\d+\]$/, '');
}
