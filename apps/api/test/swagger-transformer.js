// Adapts @nestjs/swagger's compiler plugin to ts-jest's AST-transformer shape, so tests see the same OpenAPI
// metadata as the webpack build.
const { before } = require('@nestjs/swagger/plugin');

module.exports = {
  name: 'nestjs-swagger-transformer',
  version: 1,
  factory: (tsCompiler, options) => before(options, tsCompiler.program),
};
