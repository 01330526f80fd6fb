/*
 * What a Content-Security-Policy without 'unsafe-eval' forbids, as it shows in a bundle: the Function constructor
 * (`new Function(...)`, `Function(...)`, `Function.apply(...)`, how template compilers make code) and `eval(...)`.
 * A property access such as `x.Function(` or `isFunction(` is not one.
 */
export const RUN_TIME_CODE = /\bnew Function\b|(?<![\w$.])Function\s*(?:\(|\.apply\b|\.call\b)|(?<![\w$.])eval\s*\(/;
