import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

/** One real answer, as the contract checks it. */
export interface RealAnswer {
  status: number;
  contentType: string | null;
  body: unknown;
}

/**
 * docs/openapi.json as a contract: each real answer must be a status its operation declares, in a
 * media type it declares, with a body its JSON Schema (2020-12, as OpenAPI 3.1 has it) accepts.
 */
export class OpenApiContract {
  readonly document: { paths: Record<string, Record<string, { responses: Record<string, Json> }>> };
  /** `METHOD /template status` of every answer checked. */
  readonly checked = new Set<string>();
  private readonly ajv: Ajv2020;

  constructor() {
    this.document = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'openapi.json'), 'utf8'));
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema(this.document as object, 'openapi.json');
  }

  /** The operation's template for a concrete path (`/api/v1/webhooks/{id}` for `/api/v1/webhooks/0193…`). */
  template(path: string): string {
    const bare = path.split('?')[0];
    const found = Object.keys(this.document.paths).find((template) =>
      new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(bare),
    );
    if (!found) throw new Error(`no operation describes ${bare}`);
    return found;
  }

  /** Fails with the reasons when the answer is not one the document describes. */
  check(method: string, path: string, answer: RealAnswer): void {
    const template = this.template(path);
    const operation = this.document.paths[template][method.toLowerCase()];
    const where = `${method.toUpperCase()} ${path} → ${answer.status}`;
    if (!operation) throw new Error(`${where}: the document has no ${method.toUpperCase()} ${template}`);
    const response = operation.responses[String(answer.status)];
    if (!response)
      throw new Error(`${where}: not an answer the document declares (${Object.keys(operation.responses)})`);
    const content = response.content as Record<string, Json> | undefined;
    if (!content) {
      if (answer.body !== undefined && answer.body !== '')
        throw new Error(`${where}: a body the document does not declare`);
    } else {
      const mediaType = (answer.contentType ?? '').split(';')[0].trim();
      if (!content[mediaType]) throw new Error(`${where}: ${mediaType} is not one of ${Object.keys(content)}`);
      const pointer = [
        'paths',
        template,
        method.toLowerCase(),
        'responses',
        String(answer.status),
        'content',
        mediaType,
        'schema',
      ]
        .map((segment) => encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1')))
        .join('/');
      const validate = this.ajv.getSchema(`openapi.json#/${pointer}`);
      if (!validate) throw new Error(`${where}: no schema at ${pointer}`);
      if (!validate(answer.body)) {
        throw new Error(
          `${where}: ${this.ajv.errorsText(validate.errors, { separator: '\n  ' })}\n${JSON.stringify(answer.body).slice(0, 2000)}`,
        );
      }
    }
    this.checked.add(`${method.toUpperCase()} ${template} ${answer.status}`);
  }

  /** Every operation of the document, as `METHOD /template`. */
  operations(): string[] {
    return Object.entries(this.document.paths).flatMap(([template, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${template}`),
    );
  }
}
