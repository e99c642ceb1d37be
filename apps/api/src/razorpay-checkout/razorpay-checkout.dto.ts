import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

/** What Razorpay Checkout hands the page on success, posted back as is (Razorpay's own field names). */
export class RazorpayCheckoutAnswerDto {
  @ApiProperty() @IsString() @Matches(/^pay_[A-Za-z0-9]{1,40}$/) razorpay_payment_id!: string;
  @ApiProperty() @IsString() @Matches(/^order_[A-Za-z0-9]{1,40}$/) razorpay_order_id!: string;
  @ApiProperty()
  @IsString()
  @Matches(/^[0-9a-f]{64}$/, { message: 'razorpay_signature must be 64 hex digits' })
  @MaxLength(64)
  razorpay_signature!: string;
}
