/**
 * cdktf's preparing pass, over the tokens only. Before any stack is written, cdktf resolves every element of every
 * stack once with `preparing` set, so that a reference to another stack's resource registers the output and the
 * remote state it needs, and throws the result away. Only tokens take part in that: a plain value resolves to
 * itself. A lab's documents hold about 20,000 values and about 1,000 tokens, so `EdgeLabStack` resolves exactly those
 * tokens the way cdktf's pass does (the public `Tokenization.resolve`, cdktf's resolver, `preparing: true`) and walks
 * over the rest: the same registrations, a fraction of the work.
 *
 * A value is handed to the resolver when it is or may hold a token as cdktf encodes them: an IResolvable, a token
 * number, a string with a token marker ("${TfToken[", "#{TfToken[", "&{TfToken[") or with a number of exponent
 * e+2xx (how a token number reads once put into a string), an array with such an element, an object with such a
 * key. The test is generous: a plain value handed over by mistake only costs its resolution.
 */
import { DefaultTokenResolver, StringConcat, TerraformElement, TerraformStack, Token, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

// A token number is a double whose top 16 bits are cdktf's marker (a number token near -4e+298 to -8e+298, a number
// list token near -1e+289 to -2e+289): put into a string it reads "-8.109562212591379e+298". The markers are those of
// stringified, list and map tokens.
const mayHoldToken = (s: string) => s.includes("TfToken[") || /\de\+2\d\d/.test(s);

function isTokenLeaf(value: unknown): boolean {
  if (typeof value === "string") return mayHoldToken(value);
  if (typeof value === "number") return Token.isUnresolved(value);
  if (value === null || typeof value !== "object") return false;
  if (Tokenization.isResolvable(value) || Token.isUnresolved(value)) return true;
  if (Array.isArray(value)) return value.some((x) => (typeof x === "string" && mayHoldToken(x)) || (typeof x === "number" && Token.isUnresolved(x)));
  return Object.keys(value).some(mayHoldToken);
}

/** The stack's Terraform elements in tree order, not those of nested stacks (as cdktf's own passes take them). */
function elementsOf(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) elementsOf(child, into);
  return into;
}

/** Whether the app holds a stack besides this one: stops at the first found (usually among the app's first children). */
function hasOtherStack(stack: TerraformStack): boolean {
  const visit = (scope: IConstruct): boolean => scope.node.children.some((child) => (child !== stack && TerraformStack.isStack(child)) || visit(child));
  return visit(stack.node.root);
}

/**
 * Resolves, with `preparing` set, every token in the stack's elements (what cdktf's `prepareStack` resolves does).
 * A stack alone in its app (`edge-lab plan --preflight`, `diff`, a lab app with one scenario) can reference no other
 * stack's resource, the pass's only purpose: nothing is resolved then.
 */
export function prepareTokens(stack: TerraformStack): void {
  if (!hasOtherStack(stack)) return;
  const visit = (value: unknown): void => {
    if (isTokenLeaf(value)) {
      Tokenization.resolve(value, { scope: stack, preparing: true, resolver: RESOLVER });
      return;
    }
    if (value === null || typeof value !== "object") return;
    for (const v of Array.isArray(value) ? value : Object.values(value)) visit(v);
  };
  for (const element of elementsOf(stack)) visit(element.toTerraform());
}
